package io.kubej.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    static final ObjectNode LABELS = Json.object().put("app", "web").put("tier", "front");

    @Test
    void equalityAndInequalityRequirementsAllMustHold() {
        assertThat(LabelSelector.parse("app=web,tier==front").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("app=web,tier!=front").matches(LABELS)).isFalse();
        assertThat(LabelSelector.parse("missing!=x").matches(LABELS)).isTrue();
    }

    @Test
    void setRequirementsSplitOnlyOnTopLevelCommas() {
        assertThat(LabelSelector.parse("app in (db,web),tier notin (back)").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("app notin (db,web)").matches(LABELS)).isFalse();
    }

    @Test
    void existenceAndAbsence() {
        assertThat(LabelSelector.parse("app,!missing").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("!app").matches(LABELS)).isFalse();
    }

    @Test
    void emptySelectorMatchesEverything() {
        assertThat(LabelSelector.parse("").matches(null)).isTrue();
    }

    @Test
    void garbageIsBadRequest() {
        assertThatThrownBy(() -> LabelSelector.parse("a b c")).isInstanceOfSatisfying(StatusError.class,
                e -> assertThat(e.code()).isEqualTo(400));
    }
}
