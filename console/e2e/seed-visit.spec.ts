// The seed visit (tests/e2e/seed_scenario.py: Belarus–Kyrgyzstan, Minsk, 28–29 September 2025)
// played through the console on `concord serve` with a fresh data dir, in Debian's Chromium.
// Saves a screenshot of each main screen, checks each with axe-core, and prints (does not
// assert) the measurements the issue asks for.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { mkdirSync } from 'node:fs';

const link = process.env.CONSOLE_SIGNIN_LINK ?? '';
const base = process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080';
const shots = `${process.env.CONSOLE_TEST_OUTPUT ?? '../build/browser'}/screenshots`;
mkdirSync(shots, { recursive: true });

const venues = [
  { name: 'Palace of Independence', city: 'Minsk', address: 'Pobediteley Ave 1', capacity: '300', buffer: '15' },
  { name: 'Government House', city: 'Minsk', address: 'Independence Sq. 11', capacity: '120', buffer: '10' },
  { name: 'Hotel Europe, Banquet Hall', city: 'Minsk', address: 'Internatsionalnaya St 28', capacity: '80', buffer: '0' },
];

interface Person {
  en: string;
  ru: string;
  posEn: string;
  posRu: string;
  rank: string;
  order?: string;
  head?: boolean;
  langs: string;
  zone: string;
  email: string;
}
const delegations: { country: string; side: string; en: string; ru: string; members: Person[] }[] = [
  {
    country: 'BY', side: 'host', en: 'Delegation of Belarus', ru: 'Делегация Республики Беларусь',
    members: [
      { en: 'Aleksandr Turchin', ru: 'Александр Турчин', posEn: 'Prime Minister of Belarus', posRu: 'Премьер-министр Республики Беларусь', rank: 'head_of_government', order: '1', head: true, langs: 'ru, en', zone: 'Europe/Minsk', email: 'by.head@gov.example.org' },
      { en: 'Viktor Karankevich', ru: 'Виктор Каранкевич', posEn: 'Deputy Prime Minister', posRu: 'Заместитель Премьер-министра', rank: 'deputy_head_of_government', order: '2', langs: 'ru', zone: 'Europe/Minsk', email: 'by.deputy@gov.example.org' },
      { en: 'Yury Chebotar', ru: 'Юрий Чеботарь', posEn: 'Minister of Economy', posRu: 'Министр экономики', rank: 'minister', order: '3', langs: 'ru, en', zone: 'Europe/Minsk', email: 'by.min.economy@gov.example.org' },
      { en: 'Anna Kovaleva', ru: 'Анна Ковалёва', posEn: 'Interpreter', posRu: 'Переводчик', rank: 'interpreter', langs: 'ru, en, ky', zone: 'Europe/Minsk', email: 'by.interpreter@gov.example.org' },
    ],
  },
  {
    country: 'KG', side: 'guest', en: 'Delegation of Kyrgyzstan', ru: 'Делегация Кыргызской Республики',
    members: [
      { en: 'Adylbek Kasymaliev', ru: 'Адылбек Касымалиев', posEn: 'Chairman of the Cabinet of Ministers', posRu: 'Председатель Кабинета Министров', rank: 'head_of_government', order: '1', head: true, langs: 'ky, ru', zone: 'Asia/Bishkek', email: 'kg.head@gov.example.org' },
      { en: 'Daniiar Amangeldiev', ru: 'Данияр Амангельдиев', posEn: 'Deputy Chairman', posRu: 'Заместитель Председателя', rank: 'deputy_head_of_government', order: '2', langs: 'ky, ru, en', zone: 'Asia/Bishkek', email: 'kg.deputy@gov.example.org' },
      { en: 'Bakyt Torobaev', ru: 'Бакыт Торобаев', posEn: 'Minister of Economy and Commerce', posRu: 'Министр экономики и коммерции', rank: 'minister', order: '3', langs: 'ky, ru', zone: 'Asia/Bishkek', email: 'kg.min.economy@gov.example.org' },
      { en: 'Aigul Toktosunova', ru: 'Айгуль Токтосунова', posEn: 'Interpreter', posRu: 'Переводчик', rank: 'interpreter', langs: 'ky, ru, en', zone: 'Asia/Bishkek', email: 'kg.interpreter@gov.example.org' },
    ],
  },
];
const everyone = delegations.flatMap((d) => d.members.map((m) => m.en));
const heads = ['Aleksandr Turchin', 'Adylbek Kasymaliev'];
const narrow = [...heads, 'Viktor Karankevich', 'Daniiar Amangeldiev', 'Anna Kovaleva', 'Aigul Toktosunova'];

const problems: string[] = [];
function watch(page: Page, name: string): void {
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    // Refused requests (409 conflicts, the used sign-in link) are logged by Chromium as
    // "Failed to load resource"; they are expected. Anything else (a CSP violation, a crash) is not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${name}: ${m.text()}`);
  });
}

async function axe(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('.ec-body').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.violations.filter((v) => !bad.includes(v));
  console.log(`axe ${screen}: ${bad.length} serious/critical, ${minor.length} other (${minor.map((v) => v.id).join(', ') || 'none'})`);
  for (const v of bad) for (const n of v.nodes) console.log(`  ${v.id} at ${n.target.join(' ')}: ${n.failureSummary}`);
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

// Drags a meeting vertically by `slots` times its own height (a 30-minute meeting: 30 minutes
// a step). The calendar redraws on live updates, so the box is read again until it holds still.
async function drag(page: Page, meeting: Locator, slots: number): Promise<void> {
  let box = null;
  for (let i = 0; i < 20 && !box; i++) {
    await expect(meeting).toBeVisible();
    box = await meeting.boundingBox();
    if (!box) await page.waitForTimeout(100);
  }
  if (!box) throw new Error('the meeting has no box to drag');
  const x = box.x + box.width / 2;
  const y = box.y + 8;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(x, y + (box.height * slots * i) / 10);
  await page.mouse.up();
}

// Presses Tab (Shift+Tab with `back`) until the focused element's accessible name (its
// aria-label, else its text) matches: the keyboard's only way of getting somewhere.
async function tabTo(page: Page, name: RegExp, back = false): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e ? e.getAttribute('aria-label') ?? e.textContent ?? '' : '';
    });
    if (name.test(focused.trim())) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

function narrowThere(page: Page): Locator {
  return page.locator('.ec-event', { hasText: 'Talks in narrow format' });
}

async function book(page: Page, m: { kind: string; en: string; ru: string; start: string; end: string; venue: string; who: string[] }) {
  await page.getByRole('button', { name: 'Book a meeting' }).first().click();
  const form = page.locator('form.meeting-form');
  await form.getByLabel('Kind', { exact: true }).selectOption({ label: m.kind });
  await form.getByLabel('Title (English)', { exact: true }).fill(m.en);
  await form.getByLabel('Title (Russian)', { exact: true }).fill(m.ru);
  await form.getByLabel(/^Start/).fill(m.start);
  await form.getByLabel(/^End/).fill(m.end);
  await form.getByLabel('Venue', { exact: true }).selectOption({ label: m.venue });
  for (const who of m.who) await form.getByRole('checkbox', { name: new RegExp(who) }).check();
  for (const lang of ['ru', 'ky', 'en']) await form.getByRole('checkbox', { name: lang, exact: true }).check();
  return form;
}

test('the seed visit, played through the console', async ({ browser }) => {
  test.skip(!link, 'CONSOLE_SIGNIN_LINK is not set (run tests/browser/run.sh)');
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, 'officer');

  // Sign in with the printed link: the code leaves the address bar, the token stays in this tab.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Visits' })).toBeVisible();
  expect(page.url()).not.toContain('signin');
  expect(await page.evaluate(() => sessionStorage.getItem('concord.session'))).toContain('token');
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('token');
  const used = await browser.newPage();
  await used.goto(link);
  await expect(used.getByRole('alert')).toContainText('already used');
  await used.close();

  // Venues and the visit.
  for (const v of venues) {
    await page.getByRole('button', { name: 'New venue' }).click();
    const f = page.getByRole('form', { name: 'New venue' });
    await f.getByLabel('Name', { exact: true }).fill(v.name);
    await f.getByLabel('City', { exact: true }).fill(v.city);
    await f.getByLabel('Address', { exact: true }).fill(v.address);
    await f.getByLabel('Capacity', { exact: true }).fill(v.capacity);
    await f.getByLabel('Buffer (minutes)', { exact: true }).fill(v.buffer);
    await f.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('cell', { name: v.name })).toBeVisible();
  }
  await page.getByRole('button', { name: 'New visit' }).click();
  const vf = page.getByRole('form', { name: 'New visit' });
  await vf.getByLabel('Title (English)', { exact: true }).fill('Official visit of the Chairman of the Cabinet of Ministers of Kyrgyzstan to Belarus');
  await vf.getByLabel('Title (Russian)', { exact: true }).fill('Официальный визит Председателя Кабинета Министров Кыргызской Республики в Республику Беларусь');
  await vf.getByLabel('Kind', { exact: true }).selectOption('official_visit');
  await vf.getByLabel('Host country', { exact: true }).fill('BY');
  await vf.getByLabel('Guest country', { exact: true }).fill('KG');
  await vf.getByLabel('First day', { exact: true }).fill('2025-09-28');
  await vf.getByLabel('Last day', { exact: true }).fill('2025-09-29');
  await vf.getByLabel('Time zone', { exact: true }).fill('Europe/Minsk');
  await vf.getByRole('button', { name: 'Create' }).click();
  const visitLink = page.getByRole('link', { name: /Official visit of the Chairman/ });
  await expect(visitLink).toBeVisible();
  await shot(page, 'visits');
  await axe(page, 'visits');
  await visitLink.click();
  await expect(page.getByRole('heading', { name: /Programme/ })).toBeVisible();
  const visitUrl = page.url().replace(/\/programme$/, '');

  // Delegations and their members, in order of precedence; one accreditation with a badge.
  await page.getByRole('link', { name: 'Delegations' }).click();
  for (const d of delegations) {
    await page.getByRole('button', { name: 'New delegation' }).click();
    const f = page.getByRole('form', { name: 'New delegation' });
    await f.getByLabel('Country (ISO code)', { exact: true }).fill(d.country);
    await f.getByLabel('Side', { exact: true }).selectOption(d.side);
    await f.getByLabel('Name (English)', { exact: true }).fill(d.en);
    await f.getByLabel('Name (Russian)', { exact: true }).fill(d.ru);
    await f.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('heading', { name: new RegExp(d.en) })).toBeVisible();
    for (const m of d.members) {
      await page.getByRole('button', { name: `Add member: ${d.en}` }).click();
      const mf = page.getByRole('form', { name: 'Add member' });
      await mf.getByLabel('Full name (English)', { exact: true }).fill(m.en);
      await mf.getByLabel('Full name (Russian)', { exact: true }).fill(m.ru);
      await mf.getByLabel('Position (English)', { exact: true }).fill(m.posEn);
      await mf.getByLabel('Position (Russian)', { exact: true }).fill(m.posRu);
      await mf.getByLabel('Rank', { exact: true }).selectOption(m.rank);
      if (m.order) await mf.getByLabel('Precedence order', { exact: true }).fill(m.order);
      await mf.getByLabel('Languages (comma-separated)', { exact: true }).fill(m.langs);
      await mf.getByLabel('Time zone', { exact: true }).fill(m.zone);
      await mf.getByLabel('E-mail', { exact: true }).fill(m.email);
      if (m.head) await mf.getByLabel('Head of delegation', { exact: true }).check();
      await mf.getByRole('button', { name: 'Add member' }).click();
      await expect(page.getByRole('cell', { name: new RegExp(m.en) }).first()).toBeVisible();
    }
  }
  // A save is said in words (to screen readers too) and then goes: no mark is left behind.
  const saved = page.locator('.page > p.status');
  await expect(saved).toHaveText('Saved.');
  await expect(saved).toHaveText('', { timeout: 6000 });
  // The roster in protocol order: the head first, the interpreter last.
  const byRows = page.locator('section.delegation').first().locator('tbody tr');
  await expect(byRows.first()).toContainText('Aleksandr Turchin');
  await expect(byRows.last()).toContainText('Anna Kovaleva');
  await page.getByRole('button', { name: 'Request: Aleksandr Turchin' }).click();
  await page.getByRole('textbox', { name: 'Badge number: Aleksandr Turchin' }).fill('BY-0001');
  await page.getByRole('button', { name: 'Approve: Aleksandr Turchin' }).click();
  await expect(byRows.first()).toContainText('approved · BY-0001');
  // Only the legal step is offered for an approved badge.
  await expect(page.getByRole('button', { name: 'Approve: Aleksandr Turchin' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke: Aleksandr Turchin' })).toBeVisible();
  // A sign-in link for a member, handed over by the officer: it opens the member's own screens.
  await page.getByRole('button', { name: 'Sign-in link: Adylbek Kasymaliev' }).click();
  const memberLink = page.getByRole('textbox', { name: 'Sign-in link: Adylbek Kasymaliev' });
  await expect(memberLink).toHaveValue(/#signin=[A-Za-z0-9_-]{43}$/);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const minister = await phone.newPage();
  await minister.goto(await memberLink.inputValue());
  await expect(minister.getByRole('heading', { name: /Моя программа/ })).toBeVisible();
  await expect(minister.getByRole('link', { name: 'Visits' })).toHaveCount(0);
  await phone.close();
  // Travel, personal data the officer sees: refused when the departure precedes the arrival
  // (the problem shown next to the form), then saved and shown on the roster.
  await page.getByRole('button', { name: 'Edit travel: Adylbek Kasymaliev' }).click();
  const tf = page.getByRole('form', { name: 'Travel: Adylbek Kasymaliev' });
  const arrival = tf.getByRole('group', { name: 'Arrival' });
  const departure = tf.getByRole('group', { name: 'Departure' });
  await arrival.getByLabel(/^Time/).fill('2025-09-27T22:40');
  await arrival.getByLabel('Flight', { exact: true }).fill('QH 701');
  await arrival.getByLabel('Airport (IATA)', { exact: true }).fill('MSQ');
  await departure.getByLabel(/^Time/).fill('2025-09-27T18:00');
  await tf.getByLabel('Hotel name', { exact: true }).fill('Hotel Europe');
  await tf.getByLabel('Check-in', { exact: true }).fill('2025-09-27');
  await tf.getByLabel('Check-out', { exact: true }).fill('2025-09-29');
  await tf.getByRole('button', { name: 'Save' }).click();
  await expect(tf.getByRole('alert')).toContainText('departure');
  await departure.getByLabel(/^Time/).fill('2025-09-29T18:30');
  await departure.getByLabel('Flight', { exact: true }).fill('QH 702');
  await tf.getByRole('button', { name: 'Save' }).click();
  await expect(tf).toHaveCount(0);
  const kgHead = page.locator('section.delegation').nth(1).locator('tbody tr').first();
  await expect(kgHead.locator('.travel')).toContainText('Arr. Sep 27, 22:40 QH 701 (MSQ)');
  await expect(kgHead.locator('.travel')).toContainText('Dep. Sep 29, 18:30 QH 702');
  await expect(kgHead.locator('.travel')).toContainText('Hotel Europe');
  // Stored as entered in the visit's zone (Minsk, UTC+3), whatever the browser's own zone.
  const visitId = visitUrl.split('/').pop() ?? '';
  const travel = await page.evaluate(async (visit) => {
    const auth = { Authorization: `Bearer ${JSON.parse(sessionStorage.getItem('concord.session') ?? '{}').token}` };
    const list = await (await fetch(`/api/delegations/v1/delegations?visit_id=${visit}`, { headers: auth })).json();
    const kg = list.items.find((d: { country: string }) => d.country === 'KG');
    const roster = await (await fetch(`/api/delegations/v1/delegations/${kg.id}/members`, { headers: auth })).json();
    return roster.items.find((m: { is_head: boolean }) => m.is_head).travel;
  }, visitId);
  expect(travel.arrival.time).toBe('2025-09-27T19:40:00Z');
  expect(travel.departure.flight).toBe('QH 702');
  await shot(page, 'delegations');
  await axe(page, 'delegations');

  // The programme: narrow and expanded formats, the signing ceremony.
  await page.getByRole('link', { name: 'Programme' }).click();
  await expect(page.locator('.ec-resource').first()).toBeVisible();
  const bookings = [
    { kind: 'Narrow format', en: 'Talks in narrow format', ru: 'Переговоры в узком составе', start: '2025-09-28T11:00', end: '2025-09-28T12:00', venue: 'Palace of Independence', who: narrow },
    { kind: 'Expanded format', en: 'Talks in expanded format', ru: 'Переговоры в расширенном составе', start: '2025-09-28T12:15', end: '2025-09-28T13:30', venue: 'Palace of Independence', who: everyone },
    { kind: 'Signing ceremony', en: 'Signing ceremony', ru: 'Церемония подписания документов', start: '2025-09-29T10:00', end: '2025-09-29T10:30', venue: 'Palace of Independence', who: everyone },
  ];
  for (const b of bookings) {
    const form = await book(page, b);
    await expect(form.getByText('No conflicts: this booking can be made.')).toBeVisible();
    await form.getByRole('button', { name: 'Book', exact: true }).click();
    await expect(page.getByText(`Booked “${b.en}”.`)).toBeVisible();
    await expect(page.locator('.ec-event', { hasText: b.en })).toBeVisible();
  }

  // The clashing booking: its conflicts listed in words before booking, then refused.
  const clash = await book(page, {
    kind: 'Narrow format', en: 'Meeting of the ministers of economy', ru: 'Встреча министров экономики',
    start: '2025-09-28T12:30', end: '2025-09-28T13:00', venue: 'Palace of Independence', who: ['Yury Chebotar', 'Bakyt Torobaev'],
  });
  const listed = clash.locator('.check-result .conflicts li');
  await expect(listed.first()).toBeVisible();
  await expect(clash.locator('.check-result')).toContainText('Palace of Independence is taken by “Talks in expanded format”');
  await expect(clash.locator('.check-result')).toContainText('Yury Chebotar is already in “Talks in expanded format”');
  await expect(clash.locator('.check-result')).toContainText('needs the head of the host delegation');
  console.log(`conflicts listed before booking: ${(await listed.allInnerTexts()).join(' | ')}`);
  // Free slots for the two ministers and the Palace on that day.
  await expect(clash.locator('.suggestions button.slot').first()).toBeVisible();
  await clash.screenshot({ path: `${shots}/conflict.png` });
  await axe(page, 'booking form with conflicts');
  await clash.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(clash.getByText('The booking was refused:')).toBeVisible();
  await clash.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.ec-event', { hasText: 'ministers of economy' })).toHaveCount(0);

  // Every action is reachable by keyboard: Tab to "Book a meeting", Enter opens the form with
  // the focus in it.
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Book a meeting');
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('form.meeting-form')).toBeVisible();
  await expect(page.locator('form.meeting-form select[name=kind]')).toBeFocused();
  await page.locator('form.meeting-form').getByRole('button', { name: 'Close' }).click();

  // A second officer's screen on the same programme follows a move made by dragging.
  const session = await page.evaluate(() => sessionStorage.getItem('concord.session'));
  const second = await context.newPage();
  watch(second, 'second officer');
  await second.addInitScript((s) => sessionStorage.setItem('concord.session', s ?? ''), session);
  await second.goto(`${visitUrl}/programme`);
  const ceremonyThere = second.locator('.ec-event', { hasText: 'Signing ceremony' });
  await expect(ceremonyThere).toContainText('10:00–10:30');
  await expect(second.locator('.live.on')).toBeVisible();
  const ceremony = page.locator('.ec-event', { hasText: 'Signing ceremony' });
  await drag(page, ceremony, 1);
  const movedAt = Date.now();
  await expect(page.getByText('Moved “Signing ceremony”.')).toBeVisible();
  await expect(ceremonyThere).toContainText('10:30–11:00', { timeout: 5000 });
  console.log(`live update: the second page showed the move ${Date.now() - movedAt} ms after the drop (goal < 1000 ms)`);
  await expect(ceremony).toContainText('10:30–11:00');

  // A stale copy: the first officer has the ceremony open while the second moves it; saving
  // the old copy is refused (412), reloads and says so.
  await ceremony.click();
  const editor = page.locator('form.meeting-form');
  await expect(editor.getByLabel('Title (English)', { exact: true })).toHaveValue('Signing ceremony');
  await drag(second, ceremonyThere, 1);
  await expect(second.getByText('Moved “Signing ceremony”.')).toBeVisible();
  await editor.getByLabel('Title (English)', { exact: true }).fill('Signing ceremony of the agreements');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toContainText('Someone else changed this in the meantime');
  await editor.getByRole('button', { name: 'Close' }).click();
  await expect(ceremony).toContainText('11:00–11:30');
  // Back where it was, by dragging up.
  await drag(page, ceremony, -1);
  await expect(ceremony).toContainText('10:30–11:00');
  await expect(ceremonyThere).toContainText('10:30–11:00');

  // A 30-minute meeting is readable: its title and its time each on one line, cut with an
  // ellipsis rather than clipped, and the whole text its tooltip and accessible name.
  await expect(ceremony.locator('.ev-line')).toHaveCount(2);
  await expect(ceremony).toHaveAttribute('title', /^Signing ceremony · Signing ceremony · 10:30–11:00 · Palace of Independence · Aleksandr Turchin, /);
  await expect(ceremony).toHaveAttribute('aria-label', await ceremony.getAttribute('title') ?? '');
  const fits = await ceremony.evaluate((e) => {
    const lines = [...e.querySelectorAll('.ev-line')].map((l) => l.getBoundingClientRect());
    const box = e.getBoundingClientRect();
    return lines.every((l) => l.bottom <= box.bottom + 0.5 && l.height > 0);
  });
  expect(fits).toBe(true);
  await ceremony.screenshot({ path: `${shots}/short-meeting.png` });

  // An hour's meeting in a narrow column: kind, title (two lines at most) and time, each line
  // inside the box and none cut through.
  const hour = page.locator('.ec-event', { hasText: 'Talks in narrow format' });
  await expect(hour.locator('.ev-kind, .ev-title, .ev-time')).toHaveCount(3);
  const hourFits = await hour.evaluate((e) => {
    const box = e.getBoundingClientRect();
    return [...e.querySelectorAll('.ev-kind, .ev-title, .ev-time')].every((l) => {
      const r = l.getBoundingClientRect();
      return r.height > 0 && r.bottom <= box.bottom + 0.5;
    });
  });
  expect(hourFits).toBe(true);
  await hour.screenshot({ path: `${shots}/hour-meeting.png` });

  // Moving and resizing by keyboard alone, with the same check as dragging: Tab to the meeting,
  // Enter opens it, "Move…" gives steps; a step into a clash lists the conflicts first.
  const narrowTalks = page.locator('.ec-event', { hasText: 'Talks in narrow format' });
  await tabTo(page, /^Narrow format · Talks in narrow format/);
  await page.keyboard.press('Enter');
  await expect(page.locator('form.meeting-form select[name=kind]')).toBeFocused();
  await tabTo(page, /^Move…$/);
  await page.keyboard.press('Enter');
  const mover = page.locator('form.move-form');
  await expect(mover.getByRole('heading', { name: 'Move or resize “Talks in narrow format”' })).toBeFocused();
  await tabTo(page, /^Later$/);
  await page.keyboard.press('Enter');
  await expect(mover.locator('.check-result')).toContainText('New time: Sep 28, 11:30–12:30 (60 min)');
  await expect(mover.locator('.check-result')).toContainText('Palace of Independence is taken by “Talks in expanded format”');
  await tabTo(page, /^Earlier$/, true);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await tabTo(page, /^Shorter$/);
  await page.keyboard.press('Enter');
  await expect(mover.locator('.check-result')).toContainText('New time: Sep 28, 10:30–11:00 (30 min)');
  await expect(mover.getByText('No conflicts: it can be moved here.')).toBeVisible();
  await axe(page, 'move form');
  await tabTo(page, /^Move$/);
  await page.keyboard.press('Enter');
  await expect(page.getByText('Moved “Talks in narrow format”.')).toBeVisible();
  await expect(narrowTalks).toContainText('10:30–11:00');
  await expect(narrowThere(second)).toContainText('10:30–11:00');
  // And back, by the list of meetings this time: later by a step, longer by a step.
  await tabTo(page, /^Meetings as a list$/);
  await page.keyboard.press('Enter');
  await tabTo(page, /^Move…: Talks in narrow format$/);
  await page.keyboard.press('Enter');
  await expect(mover).toBeVisible();
  await tabTo(page, /^Later$/);
  await page.keyboard.press('Enter');
  await tabTo(page, /^Longer$/);
  await page.keyboard.press('Enter');
  await expect(mover.getByText('No conflicts: it can be moved here.')).toBeVisible();
  await tabTo(page, /^Move$/);
  await page.keyboard.press('Enter');
  await expect(page.getByText('Moved “Talks in narrow format”.')).toBeVisible();
  await expect(narrowTalks).toContainText('11:00–12:00');

  // The broker down: every call answers 503; a banner says so and clears by itself, and the
  // screen reloads, once calls go through again.
  await page.route('**/api/**', (r) =>
    r.fulfill({ status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'urn:concord:problem:unavailable', title: 'Service unavailable', status: 503, detail: 'the event log is unavailable' }) }));
  await page.getByLabel(/^Show times in/).selectOption('Europe/Minsk');
  await page.getByRole('button', { name: 'Book a meeting' }).click();
  await expect(page.locator('.banner')).toContainText('cannot reach the scheduling service');
  await page.locator('form.meeting-form').getByRole('button', { name: 'Close' }).click();
  await page.unroute('**/api/**');
  await expect(page.locator('.banner')).toHaveCount(0, { timeout: 10_000 });

  // The programme in the guest's time (Bishkek, three hours ahead of Minsk).
  await page.getByLabel(/^Show times in/).selectOption('Asia/Bishkek');
  await expect(page.locator('.ec-event', { hasText: 'Talks in narrow format' })).toContainText('14:00–15:00');
  await expect(ceremony).toContainText('13:30–14:00');
  await shot(page, 'programme');
  await axe(page, 'programme');

  // A document from draft to signing scheduled, watched on the board.
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.getByRole('button', { name: 'New document' }).click();
  const df = page.getByRole('form', { name: 'New document' });
  await df.getByLabel('Title (English)', { exact: true }).fill('Memorandum on cooperation in agriculture');
  await df.getByLabel('Title (Russian)', { exact: true }).fill('Меморандум о сотрудничестве в области сельского хозяйства');
  await df.getByLabel('Kind', { exact: true }).selectOption('memorandum');
  await df.getByLabel('Authentic languages (comma-separated)', { exact: true }).fill('ru, ky');
  await df.getByRole('button', { name: 'Create' }).click();
  const card = page.locator('.doc-card', { hasText: 'Memorandum on cooperation in agriculture' });
  await expect(page.locator('.column', { hasText: 'Draft' }).locator('.doc-card')).toHaveCount(1);
  await card.click();
  const panel = page.locator('section.document');
  for (const [lang, text] of [
    ['ru', 'Меморандум о сотрудничестве\n\nСтатья 1. Стороны сотрудничают.'],
    ['ky', 'Айыл чарба жаатындагы кызматташтык жөнүндө меморандум\n\n1-берене. Тараптар кызматташат.'],
    ['ru', 'Меморандум о сотрудничестве\n\nСтатья 1. Стороны развивают сотрудничество.\nСтатья 2. Вступление в силу.'],
  ] as const) {
    await panel.getByLabel('Language', { exact: true }).selectOption(lang);
    await panel.getByLabel('Text', { exact: true }).fill(text);
    await panel.getByRole('button', { name: 'Add a version' }).click();
    await expect(panel.getByLabel('Text', { exact: true })).toHaveValue('');
  }
  await panel.getByRole('button', { name: 'Changes from the previous version' }).first().click();
  await expect(panel.locator('.diff .add')).toContainText(['Статья 2. Вступление в силу.']);
  await panel.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(panel.locator('.pill')).toHaveText('Under approval');
  for (const party of ['Delegation of Belarus', 'Delegation of Kyrgyzstan']) {
    await panel.getByLabel('Party', { exact: true }).selectOption({ label: party });
    await panel.getByRole('button', { name: 'Record approval' }).click();
    await expect(panel.locator('ul.approvals li', { hasText: party })).toContainText('✓');
  }
  await panel.getByRole('button', { name: 'Mark as agreed' }).click();
  await expect(panel.locator('.pill')).toHaveText('Agreed');
  await expect(panel.getByRole('button', { name: 'Submit for approval' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Schedule signing' }).click();
  await expect(panel.locator('.pill')).toHaveText('Signing scheduled');
  await expect(page.locator('.column', { hasText: 'Signing scheduled' }).locator('.doc-card')).toHaveCount(1);
  await expect(panel).toContainText('Signing ceremony');
  await expect(panel).toContainText('intact');
  await shot(page, 'documents');
  await axe(page, 'documents');

  // Entry into force on signature; the heads' wet-ink signatures recorded by the officer, one
  // by one: partially signed, then signed and at once in force. Only the steps the document
  // allows are offered at each point.
  await expect(panel.locator('.eif')).toHaveText('No rule set yet.');
  await panel.getByLabel('Rule', { exact: true }).selectOption({ label: 'On a date' });
  await panel.getByLabel('Date', { exact: true }).fill('2020-01-01');
  await panel.getByRole('button', { name: 'Set entry into force' }).click();
  await expect(panel.getByRole('alert')).toContainText('the date is in the past');
  await panel.getByLabel('Rule', { exact: true }).selectOption({ label: 'On signature' });
  await panel.getByRole('button', { name: 'Set entry into force' }).click();
  await expect(panel.locator('.eif')).toHaveText('On signature');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  const signatory = panel.getByLabel('Signatory', { exact: true });
  await expect(signatory.locator('option')).toHaveText(['Aleksandr Turchin', 'Adylbek Kasymaliev']);
  await signatory.selectOption({ label: 'Aleksandr Turchin' });
  await panel.getByLabel('Place of signing', { exact: true }).fill('Minsk, Palace of Independence');
  await panel.getByRole('button', { name: 'Record wet-ink signature' }).click();
  await expect(panel.locator('.pill')).toHaveText('Partially signed');
  await expect(signatory.locator('option')).toHaveText(['Adylbek Kasymaliev']);
  await expect(panel.getByRole('button', { name: 'Schedule signing' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Record wet-ink signature' }).click();
  await expect(panel.locator('.pill')).toHaveText('In force');
  await expect(page.locator('.column', { hasText: 'In force' }).locator('.doc-card')).toHaveCount(1);
  await expect(panel.locator('.eif')).toContainText('On signature · in force since');
  await expect(panel.getByText(/Aleksandr Turchin · wet ink · Minsk, Palace of Independence · /)).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Record wet-ink signature' })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Set entry into force' })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  await shot(page, 'document-in-force');
  await axe(page, 'document in force');

  // The interface in Russian, dates in Russian.
  await page.getByLabel(/^Language/).first().selectOption('ru');
  await expect(page.getByRole('heading', { name: /Документы/ })).toBeVisible();
  await page.getByRole('link', { name: 'Программа' }).click();
  await expect(page.locator('.ec-event', { hasText: 'Переговоры в узком составе' })).toBeVisible();
  await shot(page, 'programme-ru');
  await page.getByLabel(/^Язык/).first().selectOption('en');

  expect(problems).toEqual([]);
  await context.close();
});

test('measurements (printed, not asserted)', async ({ browser }) => {
  test.skip(!link, 'CONSOLE_SIGNIN_LINK is not set (run tests/browser/run.sh)');
  // JS shipped on first load, gzip.
  const index = await (await fetch(`${base}/`)).text();
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const [, src] of index.matchAll(/<script[^>]+src="([^"]+)"/g)) {
    const res = await fetch(`${base}${src}`, { headers: { 'Accept-Encoding': 'identity' } });
    const raw = Buffer.from(await res.arrayBuffer());
    rawBytes += raw.length;
    gzipBytes += gzipSync(raw, { level: 9 }).length;
  }
  console.log(`JS on first load: ${(gzipBytes / 1024).toFixed(1)} KB gzip (${(rawBytes / 1024).toFixed(1)} KB raw; goal ≤ 200 KB gzip)`);

  // A 200-meeting programme: booked through the API, then shown in Chromium.
  const context = await browser.newContext();
  const page = await context.newPage();
  const token = process.env.CONSOLE_TOKEN ?? '';
  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${base}/api/scheduling${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
    return (await res.json()) as { id: string };
  };
  const visit = await api('/v1/visits', {
    title: { en: 'Load: 200 meetings' }, kind: 'commission_session', host_country: 'BY', guest_country: 'KG',
    starts_on: '2026-03-02', ends_on: '2026-03-06', time_zone: 'Europe/Minsk',
  });
  const halls: string[] = [];
  for (let i = 1; i <= 4; i++)
    halls.push((await api('/v1/venues', { name: `Load hall ${i}`, time_zone: 'Europe/Minsk', capacity: 50, buffer_minutes: 0 })).id);
  const jobs = Array.from({ length: 200 }, (_, i) => {
    const day = 2 + (i % 5);
    const hall = halls[Math.floor(i / 5) % 4]!;
    const slot = Math.floor(i / 20);
    const hour = 8 + slot;
    const pad = (n: number) => String(n).padStart(2, '0');
    return () =>
      api(`/v1/visits/${visit.id}/meetings`, {
        title: { en: `Session ${i + 1}` }, kind: 'plenary_session', venue_id: hall,
        start: `2026-03-${pad(day)}T${pad(hour)}:00:00+03:00`, end: `2026-03-${pad(day)}T${pad(hour)}:45:00+03:00`,
      });
  });
  for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((j) => j()));
  await page.addInitScript((s) => sessionStorage.setItem('concord.session', s), JSON.stringify({ token, expires_at: '2999-01-01T00:00:00Z', subject: 'load' }));
  await page.goto(`${base}/#/visits`);
  await expect(page.getByRole('heading', { name: 'Visits' })).toBeVisible();
  let loaded = 0;
  page.on('response', (r) => {
    if (r.url().includes(`/v1/visits/${visit.id}/meetings`)) loaded = Date.now();
  });
  const started = Date.now();
  await page.goto(`${base}/#/visits/${visit.id}/programme`);
  // Checked on every animation frame (expect's polling would add up to a second).
  await page.waitForFunction(() => document.querySelectorAll('.ec-event').length >= 200, null, { polling: 'raf', timeout: 30_000 });
  const shown = Date.now();
  await expect(page.locator('.ec-event')).toHaveCount(200);
  console.log(`200-meeting programme shown in ${shown - started} ms (goal < 1000 ms): ` +
    `meetings fetched after ${loaded - started} ms, drawn ${shown - loaded} ms later`);
  await context.close();
});
