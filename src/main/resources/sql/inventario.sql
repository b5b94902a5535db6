-- One chunk of a KLK store's inventory snapshot, by keyset pagination: the products after the
-- last code already read, in code order. Operators map their real tables to these columns here.
-- Parameters (camel-jdbc named parameters):
--   :?ultimo_codigo   last codigo_producto of the previous chunk ('' for the first)
--   :?filas           chunk size
-- The column "codigo_producto" must be unique per store: it is the keyset key.
SELECT codigo_producto, descripcion, cantidad
FROM inventario
WHERE codigo_producto > :?ultimo_codigo
ORDER BY codigo_producto
OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
