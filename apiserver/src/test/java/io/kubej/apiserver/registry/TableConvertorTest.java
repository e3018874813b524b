package io.kubej.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TableConvertorTest {
    @Test
    void ageIsPrintedLikeKubectl() {
        assertThat(TableConvertor.humanDuration(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(TableConvertor.humanDuration(Duration.ofSeconds(200))).isEqualTo("3m20s");
        assertThat(TableConvertor.humanDuration(Duration.ofMinutes(45))).isEqualTo("45m");
        assertThat(TableConvertor.humanDuration(Duration.ofMinutes(190))).isEqualTo("3h10m");
        assertThat(TableConvertor.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(TableConvertor.humanDuration(Duration.ofHours(52))).isEqualTo("2d4h");
        assertThat(TableConvertor.humanDuration(Duration.ofDays(400))).isEqualTo("400d");
    }
}
