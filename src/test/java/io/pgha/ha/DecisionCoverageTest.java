package io.pgha.ha;

import static java.util.stream.Collectors.toList;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rows of DeciderTest together produce every kind of decision, each under its own situation. */
class DecisionCoverageTest {
    @Test
    void everyKindOfDecisionIsTheExpectedDecisionOfSomeRow() {
        Set<Class<? extends Decision>> expected = DeciderTest.allRows().map(DeciderTest.Row::kind).collect(toSet());
        assertThat(expected).containsAll(List.of(Decision.class.getPermittedSubclasses()).stream()
                .map(c -> c.asSubclass(Decision.class)).collect(toList()));
    }

    @Test
    void everyRowNamesADistinctSituation() {
        List<String> situations = DeciderTest.allRows().map(DeciderTest.Row::situation).toList();
        assertThat(situations).doesNotHaveDuplicates();
    }
}
