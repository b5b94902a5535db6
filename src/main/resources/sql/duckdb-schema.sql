-- Analytics tables this orchestrator writes in the DuckDB file the backend reads.
-- ventas_raw: one row per source sale line; (ubicacion_id, fecha) is replaced as a whole on every load.
CREATE TABLE IF NOT EXISTS ventas_raw (
    ubicacion_id     VARCHAR NOT NULL,
    fecha            DATE NOT NULL,
    id               BIGINT NOT NULL,
    numero_factura   VARCHAR,
    linea            INTEGER,
    fecha_hora       TIMESTAMP,
    codigo_producto  VARCHAR,
    descripcion      VARCHAR,
    cantidad         DECIMAL(14, 3),
    precio_unitario  DECIMAL(18, 4),
    total            DECIMAL(18, 4),
    etl_run_id       BIGINT,
    etl_loaded_at    TIMESTAMP
);
-- inventario_raw: the latest snapshot of each KLK store, replaced atomically per store.
CREATE TABLE IF NOT EXISTS inventario_raw (
    ubicacion_id      VARCHAR NOT NULL,
    codigo_producto   VARCHAR,
    descripcion       VARCHAR,
    cantidad          DECIMAL(14, 3),
    fecha_extraccion  TIMESTAMP
);
