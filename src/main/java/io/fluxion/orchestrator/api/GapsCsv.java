package io.fluxion.orchestrator.api;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

/**
 * {@code GET /api/ventas/gaps.csv}: the gaps table as a file a spreadsheet opens as it is (seed 002 asks for an Excel
 * export). UTF-8 with a byte order mark (without it Excel reads the file as the machine's ANSI code page and shows
 * MAÑONGO as MAÃ‘ONGO), {@code ;} between fields and a decimal comma (what Excel and LibreOffice expect in the
 * Spanish locales the stores' operators use; a {@code ,} separator would open as one column there), CRLF line ends,
 * every text field quoted (RFC 4180: a quote inside is doubled), and a text that a spreadsheet would take for a
 * formula ({@code = + - @}) prefixed with an apostrophe. Pure: the report in, the bytes out.
 */
public final class GapsCsv {
    static final String BOM = "\uFEFF";
    static final List<String> HEADER = List.of("ubicacion_id", "nombre", "sistema", "habilitada", "filas", "primera_fecha",
            "ultima_fecha", "dias_atraso", "completitud_pct", "dias_faltantes", "rangos_faltantes", "actualizar_desde",
            "actualizar_hasta", "recuperar_desde", "recuperar_hasta", "gaps_historicos", "estado", "ultimo_error");

    private GapsCsv() {
    }

    /** The file: its bytes; the REST binding's data format writes them as they are, with the content type. */
    public record Csv(byte[] bytes) {
        public static final String CONTENT_TYPE = "text/csv; charset=utf-8";
    }

    public static Csv of(GapsReport.Gaps g) {
        StringBuilder sb = new StringBuilder(BOM);
        line(sb, HEADER.stream().map(h -> (Object) text(h)).toList());
        for (GapsReport.StoreGaps s : g.stores()) {
            line(sb, List.of(text(s.ubicacionId()), text(s.nombre()), text(s.system()), text(s.enabled() ? "si" : "no"), s.rows(),
                    date(s.firstDate()), date(s.lastDate()), s.daysBehind() == null ? "" : s.daysBehind(),
                    String.format(java.util.Locale.ROOT, "%.2f", s.completeness()).replace('.', ','), s.missingDays(),
                    s.missingRanges().size() + s.missingRangesOmitted(),
                    date(s.actualizar() == null ? null : s.actualizar().desde()),
                    date(s.actualizar() == null ? null : s.actualizar().hasta()),
                    date(s.recuperar() == null ? null : s.recuperar().desde()),
                    date(s.recuperar() == null ? null : s.recuperar().hasta()), text(s.tieneGapsHistoricos() ? "si" : "no"),
                    text(s.badge()), text(s.lastError())));
        }
        return new Csv(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String date(LocalDate d) {
        return d == null ? "" : d.toString();
    }

    /** A quoted text field; a leading formula character is neutralised. Dates and numbers are written bare. */
    private record Text(String value) {
    }

    private static Text text(String s) {
        return new Text(s == null ? "" : s);
    }

    private static void line(StringBuilder sb, List<Object> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(';');
            }
            Object f = fields.get(i);
            String v = f instanceof Text t ? t.value() : String.valueOf(f);
            if (f instanceof Text) {
                if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
                    v = "'" + v;
                }
                v = v.replace("\r", " ").replace("\n", " ");
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(v);
            }
        }
        sb.append("\r\n");
    }
}
