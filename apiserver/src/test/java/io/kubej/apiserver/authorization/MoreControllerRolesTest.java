package io.kubej.apiserver.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer.Decision;
import io.kubej.apiserver.authorization.rbac.BootstrapPolicy;
import io.kubej.apiserver.authorization.rbac.RbacAuthorizer;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bootstrap roles of the disruption, quota, aggregation, TTL, mirroring, CSR approving and HPA controllers. */
class MoreControllerRolesTest {
    static final RbacAuthorizer AUTHZ = new RbacAuthorizer(ObjectSource.of(List.of()), ObjectSource.of(List.of()),
            ObjectSource.of(BootstrapPolicy.clusterRoles()), ObjectSource.of(BootstrapPolicy.clusterRoleBindings()));

    static UserInfo sa(String name) {
        return new UserInfo("system:serviceaccount:kube-system:" + name, List.of("system:serviceaccounts", UserInfo.ALL_AUTHENTICATED));
    }

    static Decision can(UserInfo u, String verb, String group, String resource, String sub) {
        return AUTHZ.authorize(u, new RequestInfo(true, group, "v1", "default", resource, "x", sub, verb, List.of()));
    }

    @Test
    void theDisruptionControllerReadsWorkloadsAndWritesBudgetStatusOnly() {
        UserInfo dc = sa("disruption-controller");
        assertThat(can(dc, "update", "policy", "poddisruptionbudgets", "status")).isEqualTo(Decision.ALLOW);
        assertThat(can(dc, "list", "apps", "statefulsets", "")).isEqualTo(Decision.ALLOW);
        assertThat(can(dc, "get", "apps", "deployments", "scale")).isEqualTo(Decision.ALLOW);
        assertThat(can(dc, "update", "policy", "poddisruptionbudgets", "")).isEqualTo(Decision.NO_OPINION);
        assertThat(can(dc, "delete", "", "pods", "")).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void theQuotaControllerMayListEverythingAndWriteQuotaStatus() {
        UserInfo rq = sa("resourcequota-controller");
        assertThat(can(rq, "list", "example.com", "widgets", "")).isEqualTo(Decision.ALLOW);
        assertThat(can(rq, "update", "", "resourcequotas", "status")).isEqualTo(Decision.ALLOW);
        assertThat(can(rq, "update", "", "resourcequotas", "")).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void theAggregatorMayEscalateClusterRolesAndTheTtlControllerDeleteJobs() {
        assertThat(can(sa("clusterrole-aggregation-controller"), "escalate", "rbac.authorization.k8s.io", "clusterroles", ""))
                .isEqualTo(Decision.ALLOW);
        assertThat(can(sa("clusterrole-aggregation-controller"), "update", "rbac.authorization.k8s.io", "clusterroles", ""))
                .isEqualTo(Decision.ALLOW);
        assertThat(can(sa("ttl-after-finished-controller"), "delete", "batch", "jobs", "")).isEqualTo(Decision.ALLOW);
        assertThat(can(sa("ttl-after-finished-controller"), "delete", "", "pods", "")).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void theMirroringControllerWritesSlicesAndTheHpaReadsScalesAndWritesItsStatus() {
        UserInfo m = sa("endpointslicemirroring-controller");
        assertThat(can(m, "create", "discovery.k8s.io", "endpointslices", "")).isEqualTo(Decision.ALLOW);
        assertThat(can(m, "update", "", "endpoints", "finalizers")).isEqualTo(Decision.ALLOW);
        assertThat(can(m, "update", "", "endpoints", "")).isEqualTo(Decision.NO_OPINION);
        UserInfo hpa = sa("horizontal-pod-autoscaler");
        assertThat(can(hpa, "get", "apps", "deployments", "scale")).isEqualTo(Decision.ALLOW);
        assertThat(can(hpa, "update", "autoscaling", "horizontalpodautoscalers", "status")).isEqualTo(Decision.ALLOW);
        assertThat(can(hpa, "list", "metrics.k8s.io", "pods", "")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void csrApprovalRolesGrantTheNodeclientSubresourcesOnlyWhereBound() {
        UserInfo node = new UserInfo("system:node:w0", List.of("system:nodes", UserInfo.ALL_AUTHENTICATED));
        // the roles exist but nothing binds them by default, as upstream
        assertThat(can(node, "create", "certificates.k8s.io", "certificatesigningrequests", "selfnodeclient")).isEqualTo(Decision.NO_OPINION);
        assertThat(BootstrapPolicy.clusterRoles()).anyMatch(r -> r.at("/metadata/name").asText()
                .equals("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient")
                && r.at("/rules/0/resources/0").asText().equals("certificatesigningrequests/selfnodeclient"));
        assertThat(BootstrapPolicy.clusterRoles()).anyMatch(r -> r.at("/metadata/name").asText()
                .equals("system:certificates.k8s.io:certificatesigningrequests:nodeclient"));
        UserInfo approver = sa("certificate-controller");
        assertThat(can(approver, "update", "certificates.k8s.io", "certificatesigningrequests", "approval")).isEqualTo(Decision.ALLOW);
        assertThat(can(approver, "create", "authorization.k8s.io", "subjectaccessreviews", "")).isEqualTo(Decision.ALLOW);
    }
}
