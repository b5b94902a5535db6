package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The page's files: each one of src/main/resources/web with its type and bytes; any other name is a 404. */
class PageFilesTest {
    final PageFiles files = new PageFiles();

    Exchange ask(String name) {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.getMessage().setHeader(PageFiles.FILE, name);
        files.serve(ex);
        return ex;
    }

    @Test
    void everyFileOfThePageIsServedWithItsTypeAndBytes() throws Exception {
        Set<String> onDisk;
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/web"))) {
            onDisk = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(PageFiles.TYPES.keySet()).as("a file added to web/ is named in PageFiles").isEqualTo(onDisk);
        for (String name : onDisk) {
            Exchange ex = ask(name);
            byte[] expected;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("web/" + name)) {
                expected = in.readAllBytes();
            }
            assertThat(ex.getMessage().getBody(byte[].class)).as(name).isEqualTo(expected);
            assertThat(ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).as(name).isNull();
            assertThat(ex.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).as(name)
                    .endsWith("; charset=utf-8").startsWith(name.endsWith(".html") ? "text/html"
                            : name.endsWith(".css") ? "text/css" : "text/javascript");
            assertThat(ex.getMessage().getHeader(PageFiles.FILE)).as("the route header does not travel").isNull();
        }
    }

    @Test
    void anyOtherNameIsNotFound() {
        for (String name : List.of("secret.txt", "../application.properties", "web/app.js", "APP.JS", "", "app.js ")) {
            Exchange ex = ask(name);
            assertThat(ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).as(name).isEqualTo(404);
            assertThat(ex.getMessage().getBody(String.class)).isEqualTo("not found");
        }
        Exchange none = ask(null);
        assertThat(none.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
    }
}
