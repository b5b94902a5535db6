package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.etl.DuckDbWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One KLK sync in progress: what it loads (direct mode) or which answer it got (backend mode). */
public class KlkRun {
    private final String route;
    private final String mode;
    private final String triggerKind;
    private final Instant scheduledAt;
    private final Instant startedAt;
    private final Instant deadline;
    private final LocalDateTime extractedAt;
    private final List<KlkItem> items;
    private final Map<KlkItem, String> outcomes = new LinkedHashMap<>();
    private long id;
    private DuckDbWriter.Lease lease;
    private volatile String failure;
    private Integer httpStatus;
    private String response;
    private int httpAttempts;
    private int retries;
    private long rows;
    private int failedItems;

    KlkRun(String route, String mode, String triggerKind, Instant scheduledAt, Instant startedAt, Instant deadline,
           LocalDateTime extractedAt, List<KlkItem> items) {
        this.route = route;
        this.mode = mode;
        this.triggerKind = triggerKind;
        this.scheduledAt = scheduledAt;
        this.startedAt = startedAt;
        this.deadline = deadline;
        this.extractedAt = extractedAt;
        this.items = List.copyOf(items);
    }

    private volatile String timeoutSetting = "fluxion.klk.timeout";

    /** The setting that bounds this run, as messages name it ("fluxion.klk.timeout of 2m"). */
    public String timeoutSetting() {
        return timeoutSetting;
    }

    void timeoutSetting(String s) {
        timeoutSetting = s;
    }

    public long getId() {
        return id;
    }

    void id(long id) {
        this.id = id;
    }

    public String getRoute() {
        return route;
    }

    public boolean isInventory() {
        return KlkRoute.INVENTORY.equals(route) || KlkRoute.INVENTORY_ALL.equals(route);
    }

    public boolean isBackendMode() {
        return "backend".equals(mode);
    }

    public String getMode() {
        return mode;
    }

    public String triggerKind() {
        return triggerKind;
    }

    public Instant scheduledAt() {
        return scheduledAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** No chunk is pulled after this instant: a run holds the DuckDB writer for fluxion.klk.timeout at most. */
    public Instant deadline() {
        return deadline;
    }

    /** fecha_extraccion of the inventory snapshot (window zone wall time). */
    public LocalDateTime extractedAt() {
        return extractedAt;
    }

    /** The (store[, date]) loads of a direct run, in order; the route splits over them. */
    public List<KlkItem> getItems() {
        return items;
    }

    public DuckDbWriter.Lease lease() {
        return lease;
    }

    void lease(DuckDbWriter.Lease lease) {
        this.lease = lease;
    }

    public String failure() {
        return failure;
    }

    public void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    public synchronized void itemSucceeded(KlkItem item, long n) {
        itemSucceeded(item, n, null);
    }

    /** A load that committed (or kept the old rows: a suspect day), with a remark for the detail. */
    public synchronized void itemSucceeded(KlkItem item, long n, String note) {
        rows += n;
        outcomes.put(item, n + " rows" + (note == null ? "" : " (" + note + ")"));
    }

    public synchronized void itemFailed(KlkItem item, String reason) {
        failedItems++;
        outcomes.put(item, "FAILED " + reason);
    }

    public synchronized long rows() {
        return rows;
    }

    public synchronized int failedItems() {
        return failedItems;
    }

    private volatile String storeId;
    private volatile String scope;

    /** A run of one store only (an operator's inventory of that store): the store and "store X, asked by Y". */
    void scope(String storeId, String scope) {
        this.storeId = storeId;
        this.scope = scope;
    }

    /** The one store an operator asked this run for, or null (every store of the route). */
    public String storeId() {
        return storeId;
    }

    /** "tienda_08: 40 rows; tienda_12: FAILED ..." for the ledger (after "store X, asked by Y" for a one-store run). */
    public synchronized String detail() {
        List<String> parts = new ArrayList<>();
        if (scope != null) {
            parts.add(scope);
        }
        outcomes.forEach((k, v) -> parts.add(k + ": " + v));
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    public synchronized void http(int status, String body, int attempts) {
        this.httpStatus = status;
        this.response = body;
        this.httpAttempts = attempts;
    }

    public synchronized Integer httpStatus() {
        return httpStatus;
    }

    public synchronized String response() {
        return response;
    }

    /** A redelivery was granted; {@code counter} is Camel's redelivery counter for it (1 for the first). */
    public synchronized void retried(int counter) {
        retries = Math.max(retries, counter);
    }

    public synchronized int retries() {
        return retries;
    }

    public synchronized int httpAttempts() {
        return httpAttempts;
    }
}
