-- A KLK store's inventory snapshot, in two statements (each ends with ';' at the end of a line).
-- Operators map their real tables to these columns here.
--
-- 1. One chunk by keyset pagination: the products after the last code already read, in code order.
--    Parameters (camel-jdbc named parameters):
--      :?ultimo_codigo   last codigo_producto of the previous chunk ('' for the first)
--      :?filas           chunk size
--    "codigo_producto" must be unique per store: it is the keyset key.
SELECT codigo_producto, descripcion, cantidad
FROM inventario
WHERE codigo_producto > :?ultimo_codigo
ORDER BY codigo_producto
OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY;
-- 2. (optional) The rows the keyset cannot page, read once after the chunks: those without a code
--    (NULL, or not after ''). Same columns; parameter :?filas. They are loaded with a NULL or empty
--    codigo_producto and counted in the run's detail; more than :?filas of them stop the load.
--    Without this statement such rows are not read (the log says so at start).
SELECT codigo_producto, descripcion, cantidad
FROM inventario
WHERE codigo_producto IS NULL OR codigo_producto <= ''
ORDER BY codigo_producto
OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
