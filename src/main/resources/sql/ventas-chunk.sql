-- One chunk of a store's sales for one business date, by keyset pagination: the rows after the
-- last id already read, in id order. Operators map their real tables to these columns here.
-- Parameters (camel-jdbc named parameters):
--   :?desde       first instant of the business date (inclusive), store local time
--   :?hasta       first instant of the next date (exclusive)
--   :?ultimo_id   last id of the previous chunk; -9223372036854775808 (the smallest BIGINT) for the
--                 first, so ids of 0 or below are read too
--   :?filas       chunk size
-- The column "id" must be unique and NOT NULL, and the rows must come in increasing id order: it is
-- the keyset key. Every row this query returns is loaded; a row with a NULL id is counted and left
-- out (reported in the log, the ledger and the run), rows out of id order stop the load.
SELECT id, numero_factura, linea, fecha_hora, codigo_producto, descripcion,
       cantidad, precio_unitario, total
FROM ventas
WHERE fecha_hora >= :?desde AND fecha_hora < :?hasta AND id > :?ultimo_id
ORDER BY id
OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
