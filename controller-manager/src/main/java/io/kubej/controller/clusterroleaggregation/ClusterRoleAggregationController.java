package io.kubej.controller.clusterroleaggregation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import io.kubej.controller.LabelSelectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ClusterRole aggregation controller (upstream: pkg/controller/clusterroleaggregation,
 * {@code clusterrole-aggregation-controller} service account). A ClusterRole with an
 * {@code aggregationRule} (the built-in {@code admin}, {@code edit} and {@code view}) gets as its
 * {@code rules} the union of the rules of every ClusterRole its selectors match, so a CRD's
 * installer can extend {@code admin} by labelling a role
 * {@code rbac.authorization.k8s.io/aggregate-to-admin: "true"}, and
 * {@code kubectl get clusterrole admin -o yaml} shows what it grants. (kubej's RBAC authorizer
 * also resolves aggregation when it reads, so access never waits for this controller.)
 *
 * <p>Keys are names of aggregated roles; any ClusterRole change enqueues all of them, since any
 * role's labels or rules may feed any aggregation.
 */
public final class ClusterRoleAggregationController extends KeyedController {
    public static final String NAME = "clusterrole-aggregation-controller";

    private final KubernetesClient client;
    private final Lister<ClusterRole> roles;

    public ClusterRoleAggregationController(KubernetesClient client, SharedIndexInformer<ClusterRole> informer) {
        super(NAME, List.of(informer));
        this.client = client;
        this.roles = new Lister<>(informer.getIndexer());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ClusterRole r) {
                enqueueAggregated();
            }

            @Override
            public void onUpdate(ClusterRole o, ClusterRole n) {
                enqueueAggregated();
            }

            @Override
            public void onDelete(ClusterRole r, boolean unknown) {
                enqueueAggregated();
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    private void enqueueAggregated() {
        roles.list().stream().filter(r -> r.getAggregationRule() != null).forEach(r -> queue.add(r.getMetadata().getName()));
    }

    @Override
    protected void syncHandler(String name) {
        ClusterRole role = roles.get(name);
        if (role == null || role.getAggregationRule() == null) {
            return;
        }
        List<PolicyRule> rules = aggregate(role, roles.list());
        if (rules.equals(role.getRules() == null ? List.of() : role.getRules())) {
            return;
        }
        ClusterRole next = Serialization.clone(role);
        next.setRules(rules);
        try {
            // guarded by the cached resourceVersion: a stale cache is a 409, retried once the cache catches up
            client.rbac().clusterRoles().resource(next).update();
            log.info("aggregated {} rules into ClusterRole {}", rules.size(), name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /**
     * The union of the rules of every other ClusterRole a selector of {@code role} matches, the
     * roles taken by name and each rule once, in the order first seen (upstream's syncClusterRole).
     */
    static List<PolicyRule> aggregate(ClusterRole role, List<ClusterRole> all) {
        List<PolicyRule> out = new ArrayList<>();
        List<ClusterRole> sorted = all.stream().sorted(Comparator.comparing(r -> r.getMetadata().getName())).toList();
        List<LabelSelector> selectors = role.getAggregationRule().getClusterRoleSelectors() == null ? List.of()
                : role.getAggregationRule().getClusterRoleSelectors();
        for (ClusterRole other : sorted) {
            if (other.getMetadata().getName().equals(role.getMetadata().getName()) || other.getRules() == null) {
                continue;
            }
            boolean selected = selectors.stream().anyMatch(s -> LabelSelectors.matches(s, other.getMetadata().getLabels()));
            if (!selected) {
                continue;
            }
            for (PolicyRule rule : other.getRules()) {
                if (!out.contains(rule)) {
                    out.add(rule);
                }
            }
        }
        return out;
    }
}
