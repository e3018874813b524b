package io.kubej.apiserver.endpoints.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestInfoTest {
    @Test
    void namespacedSubresourceRequest() {
        RequestInfo i = RequestInfo.parse("PUT", "/api/v1/namespaces/default/pods/web-0/status", false);
        assertThat(i).extracting(RequestInfo::group, RequestInfo::version, RequestInfo::namespace, RequestInfo::resource,
                RequestInfo::name, RequestInfo::subresource, RequestInfo::verb)
                .containsExactly("", "v1", "default", "pods", "web-0", "status", "update");
    }

    @Test
    void groupedListAcrossNamespacesAndWatchParam() {
        RequestInfo i = RequestInfo.parse("GET", "/apis/apps/v1/replicasets", true);
        assertThat(i.group()).isEqualTo("apps");
        assertThat(i.namespace()).isEmpty();
        assertThat(i.verb()).isEqualTo("watch");
    }

    @Test
    void legacyWatchPath() {
        RequestInfo i = RequestInfo.parse("GET", "/api/v1/watch/namespaces/kube-system/pods", false);
        assertThat(i.verb()).isEqualTo("watch");
        assertThat(i.namespace()).isEqualTo("kube-system");
        assertThat(i.resource()).isEqualTo("pods");
    }

    @Test
    void namespaceItselfAndItsStatus() {
        RequestInfo ns = RequestInfo.parse("GET", "/api/v1/namespaces/default", false);
        assertThat(ns.resource()).isEqualTo("namespaces");
        assertThat(ns.name()).isEqualTo("default");
        assertThat(ns.verb()).isEqualTo("get");
        RequestInfo st = RequestInfo.parse("PUT", "/api/v1/namespaces/default/status", false);
        assertThat(st.resource()).isEqualTo("namespaces");
        assertThat(st.subresource()).isEqualTo("status");
    }

    @Test
    void deleteWithoutNameIsDeleteCollectionAndNonResourcePathsAreNot() {
        assertThat(RequestInfo.parse("DELETE", "/api/v1/namespaces/a/pods", false).verb()).isEqualTo("deletecollection");
        assertThat(RequestInfo.parse("GET", "/healthz", false).resourceRequest()).isFalse();
        assertThat(RequestInfo.parse("GET", "/apis/apps/v1", false).resourceRequest()).isFalse();
    }
}
