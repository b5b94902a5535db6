-- One chunk of a store's sales for one business date, by keyset pagination: the rows after the
-- last id already read, in id order. Operators map their real tables to these columns here.
-- Parameters (camel-jdbc named parameters):
--   :?desde       first instant of the business date (inclusive), store local time
--   :?hasta       first instant of the next date (exclusive)
--   :?ultimo_id   last id of the previous chunk (0 for the first)
--   :?filas       chunk size
-- The column "id" must be unique and increasing: it is the keyset key.
SELECT id, numero_factura, linea, fecha_hora, codigo_producto, descripcion,
       cantidad, precio_unitario, total
FROM ventas
WHERE fecha_hora >= :?desde AND fecha_hora < :?hasta AND id > :?ultimo_id
ORDER BY id
OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
