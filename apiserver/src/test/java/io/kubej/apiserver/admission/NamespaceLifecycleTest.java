package io.kubej.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceLifecycleTest {
    static final Resource PODS = Resource.builder("", "v1", "Pod").strategy(new RESTStrategy() { }).build();
    static final Resource NAMESPACES = Resource.builder("", "v1", "Namespace").clusterScoped().strategy(new RESTStrategy() { }).build();

    static NamespaceLifecycle plugin() {
        ObjectNode active = Json.object();
        Json.metadata(active).put("name", "live");
        ObjectNode terminating = Json.object();
        Json.metadata(terminating).put("name", "dying").put("deletionTimestamp", "2026-01-01T00:00:00Z");
        Map<String, ObjectNode> namespaces = Map.of("live", active, "dying", terminating);
        return new NamespaceLifecycle(name -> Optional.ofNullable(namespaces.get(name)));
    }

    static Attributes attrs(String op, Resource r, String ns, String name) {
        return new Attributes(op, r, "", ns, name, null, null, null, false);
    }

    @Test
    void createsNeedAnExistingNamespaceThatIsNotTerminating() {
        assertThatCode(() -> plugin().admit(attrs("CREATE", PODS, "live", "p"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> plugin().admit(attrs("CREATE", PODS, "gone", "p"))).hasMessageContaining("namespaces \"gone\" not found");
        assertThatThrownBy(() -> plugin().admit(attrs("CREATE", PODS, "dying", "p")))
                .hasMessage("pods \"p\" is forbidden: unable to create new content in namespace dying because it is being terminated");
        assertThatCode(() -> plugin().admit(attrs("UPDATE", PODS, "dying", "p"))).as("updates and deletes go on").doesNotThrowAnyException();
    }

    @Test
    void theSystemNamespacesMayNotBeDeleted() {
        for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
            assertThatThrownBy(() -> plugin().admit(attrs("DELETE", NAMESPACES, ns, ns))).hasMessageContaining("this namespace may not be deleted");
        }
        assertThatCode(() -> plugin().admit(attrs("DELETE", NAMESPACES, "live", "live"))).doesNotThrowAnyException();
    }
}
