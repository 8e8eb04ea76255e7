package io.pgha.routing;

import io.pgha.ha.HaCounters;
import java.util.Locale;

/** The role changes and fencing stops this agent carried out, as counters with the reason in a label. */
final class HaEventMetrics {
    private HaEventMetrics() {}

    static void render(Metrics m, HaCounters.Snapshot c) {
        m.header("pgha_promotions_total", "counter",
                "Promotions of this node's PostgreSQL to primary since the agent started, by reason.");
        for (HaCounters.Promotion p : HaCounters.Promotion.values())
            m.sample("pgha_promotions_total", Metrics.label("reason", lower(p)), c.promotions(p));
        m.header("pgha_demotions_total", "counter", "Times this node gave up the primary role since the agent started:"
                + " handed over in a switchover, released the lease, or killed PostgreSQL and released the lease.");
        for (HaCounters.Demotion d : HaCounters.Demotion.values())
            m.sample("pgha_demotions_total", Metrics.label("reason", lower(d)), c.demotions(d));
        m.header("pgha_fencing_stops_total", "counter", "Immediate stops of a PostgreSQL that must not accept writes:"
                + " decided by the HA loop, or by the fencing timer when the store stayed silent too long.");
        for (HaCounters.Fence f : HaCounters.Fence.values())
            m.sample("pgha_fencing_stops_total", Metrics.label("trigger", lower(f)), c.fences(f));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
