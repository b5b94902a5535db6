package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API's JSON mapper alone: what a body may say and how each refusal is named by the exception mapper
 * ({@link ApiErrors#refusal}), without a server.
 */
class ApiJsonTest {
    static final ObjectMapper JSON = ApiJson.mapper();

    static <T> T read(String body, Class<T> type) throws Exception {
        return JSON.readValue(body, type);
    }

    /** The refusal the API would answer for this body: field and message. */
    static ApiException refusal(String body, Class<?> type) {
        try {
            JSON.readValue(body, type);
        } catch (Exception e) {
            return ApiErrors.refusal(e);
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void validBodiesAreReadIntoTheirRecords() throws Exception {
        Requests.SyncVentas s = read("{\"ubicacion_id\": \"tienda_01\", \"fecha_inicio\": \"2026-11-01\","
                + " \"fecha_fin\": \"2026-11-02\"}", Requests.SyncVentas.class);
        assertThat(s.ubicacionId()).containsExactly("tienda_01");
        assertThat(s.fechaInicio()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(read("{\"ubicacion_id\": null, \"fecha_inicio\": \"2026-11-01\", \"fecha_fin\": \"2026-11-01\"}",
                Requests.SyncVentas.class).ubicacionId()).isNull();
        assertThat(read("{\"ubicacion_id\": [\"a\", \"b\"]}", Requests.SyncVentas.class).ubicacionId()).containsExactly("a", "b");
        assertThat(read("{}", Requests.TriggerDate.class).targetDate()).isNull();
        Requests.SchedulerConfig c = read("{\"execution_hour\": 2, \"max_retries\": 4}", Requests.SchedulerConfig.class);
        assertThat(c.executionHour()).isEqualTo(2);
        assertThat(c.hour()).isNull();
        assertThat(c.maxRetries()).isEqualTo(4);
        assertThat(read("{}", Requests.NoFields.class)).isNotNull();
        assertThat(read("{\"confirm\": true}", Requests.Confirm.class).confirm()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"fecha\": \"2020-01-01\"}|NoFields|fecha",
        "{\"fecha\": \"2020-01-01\"}|Confirm|fecha",
        "{\"target_date\": \"2026-11-20\", \"x\": 1}|TriggerDate|x",
        "{\"target_date\": null}|TriggerDate|target_date",
        "{\"target_date\": 20261120}|TriggerDate|target_date",
        "{\"target_date\": \"ayer\"}|TriggerDate|target_date",
        "{\"target_date\": \"2026-02-30\"}|TriggerDate|target_date",
        "{\"hour\": \"2\"}|SchedulerConfig|hour",
        "{\"hour\": 2.5}|SchedulerConfig|hour",
        "{\"hour\": 99999999999}|SchedulerConfig|hour",
        "{\"hour\": null}|SchedulerConfig|hour",
        "{\"enabled\": \"yes\"}|SchedulerConfig|enabled",
        "{\"enabled\": 1}|SchedulerConfig|enabled",
        "{\"ubicacion_id\": 5}|SyncVentas|ubicacion_id",
        "{\"ubicacion_id\": [\"a\", 5]}|SyncVentas|ubicacion_id",
        "{\"fecha_inicio\": 20261102}|SyncVentas|fecha_inicio",
        "{\"confirm\": \"true\"}|SyncVentas|confirm",
        "{\"confirm\": true, \"confirm\": false}|Confirm|body",
        "{} {}|NoFields|body",
        "[]|SyncVentas|body",
        "\"off\"|NoFields|body",
        "not json|NoFields|body",
        "{\"hour\": 3,|SchedulerConfig|body"})
    void eachRefusalNamesItsField(String body, String type, String field) throws Exception {
        Class<?> c = Class.forName(Requests.class.getName() + "$" + type);
        ApiException e = refusal(body, c);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(300);
    }

    @Test
    void answersAreWrittenWithSnakeCaseNamesDatesAndNulls() throws Exception {
        String s = JSON.writeValueAsString(new Answers.WindowStarted(7, "accepted", "manual",
                List.of(LocalDate.of(2026, 11, 20)), 3, "m"));
        assertThat(s).isEqualTo("{\"run_id\":7,\"status\":\"accepted\",\"kind\":\"manual\","
                + "\"business_dates\":[\"2026-11-20\"],\"stores_total\":3,\"message\":\"m\"}");
        assertThat(JSON.writeValueAsString(new Answers.ApiError("no", null, Map.of("run_id", 4))))
                .isEqualTo("{\"error\":\"no\",\"field\":null,\"run_id\":4}");
        Answers.RunView v = new Answers.RunView(1, "manual", "api", "RUNNING", null, List.of(), List.of(), "t", null, null,
                "none", "UNTOUCHED", null, null, null, null, null);
        assertThat(JSON.readTree(JSON.writeValueAsString(new Answers.RunDetail(v, List.of(), List.of(), null))).fieldNames())
                .toIterable().startsWith("run_id", "kind", "requested_by").contains("steps", "attempts", "progress")
                .doesNotContain("run");
    }

    @Test
    void aBodyOfAnotherShapeIsNeverAccepted() {
        assertThatThrownBy(() -> read("true", Requests.Confirm.class)).isNotNull();
    }
}
