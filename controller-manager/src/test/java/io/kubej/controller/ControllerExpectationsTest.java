package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControllerExpectationsTest {

    @Test
    void unknownControllerIsSatisfied() {
        assertThat(new ControllerExpectations().satisfiedExpectations("ns/rs")).isTrue();
    }

    @Test
    void creationsAreSatisfiedOnlyWhenAllWereObserved() {
        var e = new ControllerExpectations();
        e.expectCreations("ns/rs", 3);
        e.creationObserved("ns/rs");
        e.creationObserved("ns/rs");
        assertThat(e.satisfiedExpectations("ns/rs")).isFalse();
        e.creationObserved("ns/rs");
        assertThat(e.satisfiedExpectations("ns/rs")).isTrue();
    }

    @Test
    void theSamePodSeenDeletedTwiceCountsOnce() {
        var e = new ControllerExpectations();
        e.expectDeletions("ns/rs", Set.of("ns/p1", "ns/p2"));
        e.deletionObserved("ns/rs", "ns/p1");
        e.deletionObserved("ns/rs", "ns/p1");
        assertThat(e.satisfiedExpectations("ns/rs")).isFalse();
        e.deletionObserved("ns/rs", "ns/p2");
        assertThat(e.satisfiedExpectations("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireSoAMissedEventDoesNotBlockForever() {
        var e = new ControllerExpectations(Duration.ZERO);
        e.expectCreations("ns/rs", 1);
        assertThat(e.satisfiedExpectations("ns/rs")).isTrue();
    }

    @Test
    void deletedControllerForgetsItsExpectations() {
        var e = new ControllerExpectations();
        e.expectCreations("ns/rs", 5);
        e.deleteExpectations("ns/rs");
        assertThat(e.satisfiedExpectations("ns/rs")).isTrue();
    }
}
