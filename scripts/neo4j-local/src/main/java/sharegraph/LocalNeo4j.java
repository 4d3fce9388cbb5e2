package sharegraph;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

import picocli.CommandLine;

/**
 * A local Neo4j Community DBMS for sharegraph development and tests.
 *
 * <p>Usage: {@code java -Xmx1g -cp ... sharegraph.LocalNeo4j HOME_DIR PORT}, with the password for
 * user {@code neo4j} in the environment variable {@code NEO4J_LOCAL_PASSWORD} (not on the command
 * line, so that it does not show in {@code ps}).
 *
 * <p>Starts an embedded DBMS with its data under HOME_DIR, Bolt on 127.0.0.1:PORT without TLS and
 * with authentication on, prints {@code READY bolt://127.0.0.1:PORT} once the default database
 * answers, and runs until SIGTERM/SIGINT, on which a shutdown hook stops the DBMS cleanly.
 *
 * <p>{@code LOAD CSV} cannot read this machine's files: {@code
 * dbms.security.allow_csv_import_from_file_urls=false}, and {@code server.directories.import} is
 * the empty folder HOME_DIR/import. (sharegraph's {@code neo4j query} refuses LOAD CSV as well.)
 */
public final class LocalNeo4j {
    private static final String USER = "neo4j";

    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            fail("usage: LocalNeo4j HOME_DIR PORT (password in $NEO4J_LOCAL_PASSWORD)");
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = System.getenv("NEO4J_LOCAL_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("NEO4J_LOCAL_PASSWORD must be set and at least 8 characters long");
        }
        Files.createDirectories(home);

        // A brand-new DBMS takes the password of user neo4j from data/dbms/auth.ini when it
        // creates its system database: the same file `neo4j-admin dbms set-initial-password`
        // writes. So the server never accepts the default neo4j/neo4j, not even for a moment.
        boolean fresh = !Files.exists(home.resolve("data/databases/system"));
        if (fresh) {
            setInitialPassword(home, password);
        }

        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        // LOAD CSV reads no file of this machine: file:/// URLs are off, and the import folder,
        // were they turned on, is an empty folder inside the data folder (not the working directory).
        Path importDir = Files.createDirectories(home.resolve("import"));
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // neo4j:// routing tables list the advertised address: make it the real one.
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Bolt waits 5 s for connections and 5 s for its threads when it stops, after the
                // databases are already checkpointed and closed: 1 s each is plenty here.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            System.out.flush();
            try {
                dbms.shutdown();
            } finally {
                System.out.println("STOPPED");
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-local-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(3))) {
            fail("database " + GraphDatabaseSettings.DEFAULT_DATABASE_NAME + " did not become available");
        }
        checkUser(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), fresh, password);
        System.out.println("NEO4J_VERSION " + version(db));
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();

        stopped.await();
    }

    private static void setInitialPassword(Path home, String password) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        ExecutionContext ctx =
                new ExecutionContext(home, home.resolve("conf"), ps, ps, new DefaultFileSystemAbstraction());
        int rc = new CommandLine(new SetInitialPasswordCommand(ctx)).execute(password);
        if (rc != 0) {
            fail("could not set the initial password: " + out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    /** Makes sure neo4j can log in over Bolt with the given password, without a forced change. */
    private static void checkUser(GraphDatabaseService system, boolean fresh, String password) {
        boolean changeRequired;
        try (Transaction tx = system.beginTx();
                Result r = tx.execute(
                        "SHOW USERS YIELD user, passwordChangeRequired WHERE user = $u "
                                + "RETURN passwordChangeRequired",
                        Map.of("u", USER))) {
            if (!r.hasNext()) {
                fail("user " + USER + " is missing from the system database");
            }
            changeRequired = (Boolean) r.next().get("passwordChangeRequired");
            tx.commit();
        }
        if (!fresh || changeRequired) {
            // An existing data folder (or an auth.ini that did not take) keeps its old password:
            // set the one we were given, run embedded, where no login is needed.
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        }
    }

    private static String version(GraphDatabaseService db) {
        try (Transaction tx = db.beginTx();
                Result r = tx.execute("CALL dbms.components() YIELD name, versions, edition "
                        + "RETURN name + ' ' + versions[0] + ' ' + edition AS v")) {
            String v = r.hasNext() ? String.valueOf(r.next().get("v")) : "unknown";
            tx.commit();
            return v;
        }
    }

    private static void fail(String message) {
        System.err.println("ERROR " + message);
        System.err.flush();
        // Runs the shutdown hook, if one is registered yet, so the DBMS still stops cleanly.
        System.exit(2);
    }
}
