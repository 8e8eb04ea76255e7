import io.pgha.demo.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TPC-B on the primary of a 3-node cluster with every agent's /metrics scraped once a second vs not scraped,
 * in interleaved rounds (off/on, then on/off, ...), medians. Also the PostgreSQL query batch per scrape.
 * bench/run MetricsOverheadBench [--scale 10] [--seconds 20] [--rounds 4] [--clients 4]
 */
public class MetricsOverheadBench {
    static final int BASE = 20700;
    static final String BIN = "/usr/lib/postgresql/15/bin/";
    static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    static final Pattern BATCH = Pattern.compile("(?m)^pgha_pg_scrape_seconds\\{[^}]*} ([0-9.]+)$");

    public static void main(String[] args) throws Exception {
        int scale = 10, seconds = 20, rounds = 4, clients = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> scale = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (known: --scale N --seconds N --rounds N --clients N)");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-metricsbench-");
        LocalCluster c = new LocalCluster(dir, "metricsbench", 3, BASE, LocalCluster.defaultJavaCommand(), Map.of());
        if (!c.busyPorts().isEmpty()) throw new IllegalStateException("ports in use: " + c.busyPorts());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            c.writeConfigs();
            c.startAll();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!c.healthy()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the cluster did not become healthy in 120 s");
                Thread.sleep(200);
            }
            int lead = c.leader().orElseThrow();
            run(c, lead, List.of("-i", "-q", "-s", String.valueOf(scale)));
            run(c, lead, List.of("-n", "-c", String.valueOf(clients), "-j", "2", "-T", "5")); // warm-up
            List<Double> off = new ArrayList<>(), on = new ArrayList<>();
            ConcurrentLinkedQueue<Double> batches = new ConcurrentLinkedQueue<>();
            int[] scrapes = {0};
            for (int r = 0; r < rounds; r++) {
                for (boolean scraping : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                    checkpoint(c, lead);
                    ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
                    if (scraping) scraper.scheduleAtFixedRate(() -> {
                        for (int i = 0; i < c.size(); i++) {
                            try {
                                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.apiPort(i) + "/metrics"))
                                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                                Matcher m = BATCH.matcher(body);
                                if (m.find()) batches.add(Double.parseDouble(m.group(1)));
                                scrapes[0]++;
                            } catch (Exception e) {
                                System.err.println("scrape of node " + i + " failed: " + e);
                            }
                        }
                    }, 0, 1, TimeUnit.SECONDS);
                    String out = run(c, lead, List.of("-n", "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(seconds)));
                    scraper.shutdownNow();
                    scraper.awaitTermination(10, TimeUnit.SECONDS);
                    Matcher m = TPS.matcher(out);
                    if (!m.find()) throw new IllegalStateException("no tps in pgbench's output: " + out);
                    double tps = Double.parseDouble(m.group(1));
                    (scraping ? on : off).add(tps);
                    System.out.printf("round %d, scraping %-3s: %.1f tps%n", r + 1, scraping ? "on" : "off", tps);
                }
            }
            double mOff = median(off), mOn = median(on);
            List<Double> b = batches.stream().sorted().toList();
            System.out.printf("%n=== MetricsOverheadBench (bench/run MetricsOverheadBench %s)%n", String.join(" ", args));
            System.out.printf("TPC-B, pgbench -s %d -c %d -j 2 -T %d on the primary, %d interleaved rounds: no scraping %.1f tps"
                    + " (%s), every agent's /metrics scraped every second %.1f tps (%s): %+.2f %%%n", scale, clients, seconds,
                    rounds, mOff, off, mOn, on, (mOn - mOff) / mOff * 100);
            if (!b.isEmpty())
                System.out.printf("PostgreSQL query batch per scrape (pgha_pg_scrape_seconds), %d scrapes: median %.2f ms,"
                        + " p90 %.2f ms, max %.2f ms%n", scrapes[0], b.get(b.size() / 2) * 1e3, b.get(b.size() * 9 / 10) * 1e3,
                        b.get(b.size() - 1) * 1e3);
        } finally {
            c.close();
            c.deleteFiles();
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void checkpoint(LocalCluster c, int node) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", c.superuserPassword());
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.pgPort(node) + "/postgres", p);
             Statement st = conn.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    static String run(LocalCluster c, int node, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN + "pgbench", "-h", "127.0.0.1", "-p", String.valueOf(c.pgPort(node)), "-U", "postgres"));
        cmd.addAll(args);
        cmd.add("postgres");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", c.superuserPassword());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("pgbench " + args + " failed: " + out);
        return out;
    }
}
