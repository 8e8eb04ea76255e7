import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The long fault-injection run (issue 5): the same rig, nemesis and checker as FaultSuiteTest, for as
 * many faults as asked, printing the same summary line. Needs root and iproute2.
 *
 *   bench/run FaultBench --faults 50 [--seed S] [--minutes M] [--only stop-agent,kill-node] [--keep]
 *
 * The run itself lives in the test sources (io.pgha.fault.FaultRun); this loads it from
 * target/test-classes, which `mvn package` (what bench/run triggers) compiles. After editing the test
 * sources, rebuild with `mvn -q -o test-compile` first.
 */
public class FaultBench {
    public static void main(String[] args) throws Exception {
        Path target = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals("pgha.jar")) target = p.toAbsolutePath().getParent();
        }
        Path testClasses = target == null ? null : target.resolve("test-classes");
        if (testClasses == null || !Files.exists(testClasses.resolve("io/pgha/fault/FaultRun.class"))) {
            System.err.println("FaultBench: no compiled fault suite in " + testClasses + ": run `mvn -q -o test-compile` first");
            System.exit(3);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {testClasses.toUri().toURL()}, FaultBench.class.getClassLoader())) {
            loader.loadClass("io.pgha.fault.FaultRun").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }
}
