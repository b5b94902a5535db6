import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;

/**
 * Hawtio 4.2.0's war in Jetty 12 (ee10) on 127.0.0.1, for scripts/hawtio-screenshot.sh:
 * {@code java -cp 'lib/*' HawtioServer.java hawtio-war-4.2.0.war PORT}. Run with
 * -Dhawtio.authenticationEnabled=false -Dhawtio.proxyAllowlist=localhost,127.0.0.1 for a local look.
 */
public class HawtioServer {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])));
        WebAppContext app = new WebAppContext();
        app.setContextPath("/hawtio");
        app.setWar(args[0]);
        app.setExtractWAR(true);
        server.setHandler(app);
        server.start();
        System.out.println("Hawtio started on http://127.0.0.1:" + args[1] + "/hawtio");
        server.join();
    }
}
