package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsafeTestSwitchTest {
    @Test
    void fencingIsOffOnlyWhenTheVariableIsExactlyOne() {
        assertThat(UnsafeTestSwitch.noFencing(Map.of())).isFalse();
        assertThat(UnsafeTestSwitch.noFencing(Map.of("PGHA_TEST_UNSAFE_NO_FENCING", "true"))).isFalse();
        assertThat(UnsafeTestSwitch.noFencing(Map.of("PGHA_TEST_UNSAFE_NO_FENCING", "0"))).isFalse();
        assertThat(UnsafeTestSwitch.noFencing(Map.of("PGHA_TEST_UNSAFE_NO_FENCING", ""))).isFalse();
        assertThat(UnsafeTestSwitch.noFencing(Map.of("PGHA_TEST_UNSAFE_NO_FENCING", "1"))).isTrue();
    }
}
