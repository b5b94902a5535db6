// Drives Hawtio 4.2.0 in headless Chromium (playwright-core, no browser download: /usr/bin/chromium) to
// this product's Camel routes and saves a screenshot. Used by scripts/hawtio-screenshot.sh:
//   node screenshot.mjs HAWTIO_URL MANAGEMENT_PORT OUT.png [USER PASSWORD]
// Hawtio keeps its connections in the browser's localStorage ("connect.connections"); the script stores
// one to the management server's Jolokia (/observe/jolokia, through Hawtio's proxy) and opens it.
import { createRequire } from 'node:module'
const require = createRequire(process.env.PLAYWRIGHT_DIR ? process.env.PLAYWRIGHT_DIR + '/' : import.meta.url)
const { chromium } = require('playwright-core')

const [hawtio, mgmtPort, out, user, password] = process.argv.slice(2)
const connection = {
  id: 'fluxion', name: 'fluxion', scheme: 'http', host: '127.0.0.1', port: Number(mgmtPort),
  path: '/observe/jolokia',
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'] })
try {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } })
  await context.addInitScript(c => {
    localStorage.setItem('connect.connections', JSON.stringify({ [c.id]: c }))
  }, connection)
  const page = await context.newPage()
  page.on('console', m => { if (process.env.DEBUG) console.log('[browser]', m.type(), m.text()) })
  await page.goto(`${hawtio}/camel/routes?con=${connection.id}`, { waitUntil: 'networkidle', timeout: 60000 })
  if (user) {
    // a management server with authentication: Hawtio asks for the connection's credentials
    const login = page.locator('input[name="username"], #connect-login-form-username')
    if (await login.count() > 0) {
      await login.first().fill(user)
      await page.locator('input[type="password"]').first().fill(password)
      await page.locator('button[type="submit"]').first().click()
      await page.waitForLoadState('networkidle')
    }
  }
  // the Camel tree lists the context and its routes; wait for a route of this product
  await page.getByText('nightly-window', { exact: false }).first().waitFor({ timeout: 60000 })
  // the routes folder: every route with its state and exchange counters
  await page.getByText('routes', { exact: true }).first().click()
  const total = page.getByRole('columnheader', { name: /Total/ }).first()
  await total.waitFor({ timeout: 30000 })
  // busiest routes first: the window, the store loads, the API calls the run made
  await total.click()
  await page.waitForTimeout(500)
  await total.click()
  await page.waitForTimeout(2000)
  await page.screenshot({ path: out, fullPage: false })
  console.log('screenshot saved to ' + out)
} catch (e) {
  const debug = out.replace(/\.png$/, '-failed.png')
  try { await (await browser.contexts()[0].pages())[0].screenshot({ path: debug }) } catch (_) { /* none */ }
  console.error('screenshot failed (' + e.message + '); what the browser showed: ' + debug)
  process.exitCode = 1
} finally {
  await browser.close()
}
