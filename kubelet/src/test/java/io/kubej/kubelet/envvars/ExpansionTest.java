package io.kubej.kubelet.envvars;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpansionTest {
    final Map<String, String> vars = Map.of("A", "1", "B", "two");

    @Test
    void definedReferencesAreReplacedUndefinedOnesKeptAndDoubleDollarEscapes() {
        assertThat(Expansion.expand("$(A)-$(B)", vars::get)).isEqualTo("1-two");
        assertThat(Expansion.expand("$(NOPE)", vars::get)).isEqualTo("$(NOPE)");
        assertThat(Expansion.expand("$$(A)", vars::get)).isEqualTo("$(A)");
        assertThat(Expansion.expand("cost $5 $", vars::get)).isEqualTo("cost $5 $");
        assertThat(Expansion.expand("$(A", vars::get)).isEqualTo("$(A");
    }
}
