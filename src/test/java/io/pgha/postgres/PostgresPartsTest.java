package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure pieces of the local server's parts: addresses, quoting, pg_controldata, slots. */
class PostgresPartsTest {
    @Test
    void theAgentConnectsToLoopbackWhenPostgresListensEverywhere() {
        assertThat(Addresses.agentAddress("*")).isEqualTo("127.0.0.1");
        assertThat(Addresses.agentAddress("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(Addresses.agentAddress("10.0.0.1,127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(Addresses.agentAddress("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(Addresses.forJdbcUrl("::1")).isEqualTo("[::1]");
        assertThat(Addresses.forJdbcUrl("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(Addresses.resolve("10.0.0.7")).isEqualTo("10.0.0.7");
    }

    @Test
    void onlyATimeoutCountsAsNotAnswering() {
        var socketTimeout = new java.sql.SQLException("An I/O error occurred", new java.net.SocketTimeoutException("Read timed out"));
        assertThat(StatusObserver.timedOut(socketTimeout)).isTrue();
        assertThat(StatusObserver.timedOut(new java.sql.SQLException("Connection attempt timed out."))).isTrue();
        assertThat(StatusObserver.timedOut(new java.sql.SQLException("the database system is starting up"))).isFalse();
        assertThat(StatusObserver.timedOut(new java.sql.SQLException("Connection refused", new java.net.ConnectException()))).isFalse();
    }

    @Test
    void quotingDoublesTheQuote() {
        assertThat(SqlText.identifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(SqlText.literal("it's")).isEqualTo("'it''s'");
        assertThat(ManagedConfig.escapePass("a:b\\c")).isEqualTo("a\\:b\\\\c");
    }

    @Test
    void controlDataFieldsAreReadByName() {
        String out = """
                pg_control version number:            1300
                Database system identifier:           7312345678901234567
                Latest checkpoint location:           0/3000060
                """;
        assertThat(PgTools.controlField(out, "Database system identifier")).contains("7312345678901234567");
        assertThat(PgTools.controlField(out, "Latest checkpoint location").map(Lsn::parse)).contains(0x3000060L);
        assertThat(PgTools.controlField(out, "Latest checkpoint")).isEmpty();
        assertThat(PgTools.lastLine("one\ntwo")).isEqualTo("two");
    }

    @Test
    void aServerKeepsOneSlotPerOtherMember() {
        assertThat(MemberReconciler.wantedSlots(Set.of("node-1", "node-2", "Node.3"), "node-1"))
                .containsExactlyInAnyOrder("node_2", "node_3");
    }
}
