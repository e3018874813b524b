package io.kubej.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void singleUnitDurationsParse() {
        assertThat(GoDuration.parse("15s")).hasSeconds(15);
        assertThat(GoDuration.parse("500ms")).hasMillis(500);
        assertThat(GoDuration.parse("1m")).hasSeconds(60);
        assertThat(GoDuration.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void compoundDurationsAndZeroParse() {
        assertThat(GoDuration.parse("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
        assertThat(GoDuration.parse("1m0s")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void malformedOrEmptyDurationsAreRejected() {
        assertThatThrownBy(() -> GoDuration.parse("10 s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("30 seconds")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("15")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnsetConfigFieldTakesItsDefault() {
        assertThat(GoDuration.parse(null, Duration.ofSeconds(15))).hasSeconds(15);
        assertThat(GoDuration.parse(" ", Duration.ZERO)).isZero();
        assertThat(GoDuration.parse("2s", Duration.ofSeconds(15))).hasSeconds(2);
    }
}
