package io.fluxion.orchestrator.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The operator page's files (classpath {@code web/}), served by the {@code page-file} route: only the files named here,
 * each with its content type, read once when the app starts (a file missing from the jar fails the start, not the
 * first visit); any other name is a 404, so nothing else of the classpath or the disk is reachable.
 */
public final class PageFiles {
    public static final String BEAN = "pageFiles";
    /** Route header: the file asked for ({@code /web/{file}}; {@code index.html} for {@code /}). */
    public static final String FILE = "file";
    static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "monitoring.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "inventory.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> files = new HashMap<>();

    public PageFiles() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = PageFiles.class.getClassLoader().getResourceAsStream("web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the operator page's file web/" + name + " is not in the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the operator page's file web/" + name, e);
            }
        }
    }

    /** Sets the answer: the file with its content type, or 404 "not found". */
    public void serve(Exchange ex) {
        String name = ex.getMessage().getHeader(FILE, String.class);
        byte[] body = name == null ? null : files.get(name);
        ex.getMessage().removeHeader(FILE);
        if (body == null) {
            ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            ex.getMessage().setBody("not found");
            return;
        }
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, TYPES.get(name));
        ex.getMessage().setBody(body);
    }
}
