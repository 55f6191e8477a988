import { escapeHtml, indexHtml } from './html';

test('escapes text', () => {
  expect(escapeHtml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('index page lists every chart as an image with SVG and PNG links, runs and skipped charts', () => {
  const html = indexHtml({
    runs: ['run <1>', 'b'],
    logdir: '/logs/tb',
    generatedAt: '2026-01-01T00:00:00.000Z',
    charts: [
      { id: 'reward', title: 'Reward', svgFile: 'reward.svg', pngFile: 'reward.png', series: ['train/reward_mean'] },
      { id: 'kl', title: 'KL', svgFile: 'kl.svg', pngFile: 'kl.png', series: ['train/kl', 'train/kl_coef'] },
    ],
    skipped: ['teacher: none of teacher/latency_ms was logged'],
  });
  expect(html.match(/<img /g)).toHaveLength(2);
  expect(html).toContain('<img src="reward.svg" alt="Reward" data-chart="reward">');
  expect(html).toContain('<a href="kl.png">PNG</a>');
  expect(html).toContain('<strong>run &lt;1&gt;</strong>');
  expect(html).toContain('<li>teacher: none of teacher/latency_ms was logged</li>');
  expect(html).toContain('<code>/logs/tb</code>');
});
