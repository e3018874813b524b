package io.kubej.apiserver.endpoints.request;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a resource request is about, parsed from its path and method (upstream
 * {@code apiserver/pkg/endpoints/request/requestinfo.go}):
 * {@code /api/v1/namespaces/default/pods/web-0/status} is group "", version v1, namespace
 * default, resource pods, name web-0, subresource status; GET on it is verb "get".
 */
public record RequestInfo(boolean resourceRequest, String group, String version, String namespace,
                          String resource, String name, String subresource, String verb, List<String> parts) {
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses a path; returns a non-resource RequestInfo for anything not under /api or /apis. */
    public static RequestInfo parse(String method, String path, boolean watchParam) {
        List<String> segs = new ArrayList<>(Arrays.asList(path.replaceAll("^/+|/+$", "").split("/")));
        String nonResourceVerb = method.toLowerCase();
        if (segs.isEmpty() || !(segs.get(0).equals("api") || segs.get(0).equals("apis"))) {
            return new RequestInfo(false, "", "", "", "", "", "", nonResourceVerb, segs);
        }
        String group;
        String version;
        int i;
        if (segs.get(0).equals("api")) {
            if (segs.size() < 2) {
                return new RequestInfo(false, "", "", "", "", "", "", nonResourceVerb, segs);
            }
            group = "";
            version = segs.get(1);
            i = 2;
        } else {
            if (segs.size() < 3) {
                return new RequestInfo(false, "", "", "", "", "", "", nonResourceVerb, segs);
            }
            group = segs.get(1);
            version = segs.get(2);
            i = 3;
        }
        List<String> rest = new ArrayList<>(segs.subList(i, segs.size()));
        if (rest.isEmpty()) {
            return new RequestInfo(false, group, version, "", "", "", "", nonResourceVerb, segs);
        }
        boolean legacyWatch = false;
        if (rest.get(0).equals("watch")) {
            legacyWatch = true;
            rest.remove(0);
        }
        String namespace = "";
        if (rest.size() > 1 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            }
        }
        String resource = rest.isEmpty() ? "" : rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : "";
        String sub = rest.size() > 2 ? rest.get(2) : "";
        if (resource.equals("namespaces")) {
            namespace = name; // a namespace's own namespace is itself (upstream sets this too)
        }
        String verb = switch (method) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> legacyWatch || watchParam ? "watch" : name.isEmpty() ? "list" : "get";
        };
        return new RequestInfo(true, group, version, namespace, resource, name, sub, verb, segs);
    }

    /**
     * A list or watch narrowed to one object by {@code fieldSelector=metadata.name=x} is about
     * that object (upstream requestinfo does the same), so an authorizer can allow watching one
     * Secret without allowing all of them, as the kubelet does.
     */
    public RequestInfo withNameFromFieldSelector(String fieldSelector) {
        if (!resourceRequest || !name.isEmpty() || fieldSelector == null || !(verb.equals("list") || verb.equals("watch"))) {
            return this;
        }
        for (String term : fieldSelector.split(",")) {
            String t = term.trim();
            for (String op : new String[] {"metadata.name==", "metadata.name="}) {
                if (t.startsWith(op) && !t.substring(op.length()).isEmpty()) {
                    return new RequestInfo(true, group, version, namespace, resource, t.substring(op.length()), subresource, verb, parts);
                }
            }
        }
        return this;
    }
}
