/// The page's template. `{{name}}` escapes what it inserts (`<`, `>`, `&`, `"`, `'`); the
/// template never uses the unescaped `{{{name}}}`, so a dump's text can only ever be text.
enum _Template {
    static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>rulewatch: {{headline}}</title>
<style>
:root { --crit: #b3261e; --warn: #8a5a00; --info: #0b5cad; --down: #5f6368; --ink: #1f1f1f; --soft: #f3f4f6; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 980px; padding: 16px; }
h1 { font-size: 1.35em; margin: 0 0 4px; }
h2 { font-size: 1.1em; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 1em; margin: 0; overflow-wrap: anywhere; }
.sub { color: #555; margin: 0 0 12px; }
.entry { border: 1px solid #ddd; border-left: 6px solid var(--info); border-radius: 6px; padding: 12px; margin: 12px 0; }
.entry.critical { border-left-color: var(--crit); }
.entry.warning { border-left-color: var(--warn); }
.entry.downstream { border-left-color: var(--down); }
.badge { display: inline-block; font-size: .75em; font-weight: 700; text-transform: uppercase; padding: 1px 6px; border-radius: 4px; color: #fff; background: var(--info); margin-right: 6px; vertical-align: 2px; }
.critical .badge, .badge.critical { background: var(--crit); }
.warning .badge, .badge.warning { background: var(--warn); }
.downstream .badge, .badge.downstream { background: var(--down); }
.meta { color: #555; font-size: .9em; margin: 2px 0 6px; overflow-wrap: anywhere; }
code, pre { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: var(--soft); padding: 8px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.rule { background: #fff8e1; }
figure { margin: 8px 0; }
svg.chart { width: 100%; height: auto; max-width: 640px; display: block; background: #fff; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #444; }
figcaption { font-size: .85em; color: #555; }
.steps h4 { margin: 8px 0 2px; font-size: .9em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e5e5e5; vertical-align: top; overflow-wrap: anywhere; }
dl.read { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dl.read dt { font-weight: 600; } dl.read dd { margin: 0; overflow-wrap: anywhere; }
ul.changes { padding-left: 18px; } ul.changes li { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { padding: 10px; font-size: 14px; }
  h1 { font-size: 1.15em; }
  .entry { padding: 8px; }
  th.opt, td.opt { display: none; }
  svg.chart text { font-size: 22px; }
  svg.chart text.minor { display: none; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, pre, tr, .steps h4 { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre { background: none; border: 1px solid #ccc; }
}
</style>
</head>
<body>
<header>
<h1 id="headline">{{headline}}</h1>
<p class="sub">{{subline}}</p>
</header>

<main>
{{#hasEntries}}
<h2>Findings, one entry per rule</h2>
{{/hasEntries}}
{{#entries}}
<section class="entry {{severity}}" id="{{anchor}}" data-rule-id="{{ruleID}}">
<h3><span class="badge">{{label}}</span>{{place}}{{#ruleID}} <code>rule {{ruleID}}</code>{{/ruleID}}</h3>
<p class="meta">{{kinds}}{{#since}}; since {{since}}{{/since}}</p>
{{#rule}}<pre class="rule">{{rule}}</pre>{{/rule}}
{{#consequenceOf}}<p>Carries on downstream the traffic that rule {{consequenceOf}} sent its way: a consequence of the culprit, not a suspect.</p>{{/consequenceOf}}
{{^consequenceOf}}<p>{{explanation}}</p>{{/consequenceOf}}
{{#downstream}}<p class="meta">Downstream, carrying its traffic (not suspects): {{downstream}}</p>{{/downstream}}
{{#chart}}
<figure class="chart">
<svg class="chart" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{caption}}" xmlns="http://www.w3.org/2000/svg">
<title>{{caption}}</title>
<line x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}" stroke="#999"/>
<line x1="{{plotLeft}}" y1="{{plotTop}}" x2="{{plotLeft}}" y2="{{plotBottom}}" stroke="#999"/>
<line x1="{{plotRight}}" y1="{{plotTop}}" x2="{{plotRight}}" y2="{{plotBottom}}" stroke="#999"/>
<text x="{{leftLabelX}}" y="{{plotTop}}" text-anchor="end" dominant-baseline="hanging">{{maxPackets}}</text>
<text x="{{leftLabelX}}" y="{{plotBottom}}" text-anchor="end">0</text>
<text x="{{rightLabelX}}" y="{{plotTop}}" dominant-baseline="hanging">100%</text>
<text x="{{rightLabelX}}" y="{{plotBottom}}">0%</text>
<text x="{{leftLabelX}}" y="{{midY}}" text-anchor="end">pkts</text>
<text x="{{rightLabelX}}" y="{{midY}}">egress</text>
{{#bars}}<rect class="bar" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="#e8710a"><title>{{title}}</title></rect>
{{/bars}}
<path class="egress" d="{{egressPath}}" fill="none" stroke="#0b5cad" stroke-width="2"/>
{{#points}}<circle cx="{{cx}}" cy="{{cy}}" r="3.5" fill="#0b5cad"><title>{{title}}</title></circle>
{{/points}}
{{#onset}}<line class="onset" x1="{{x}}" y1="{{plotTop}}" x2="{{x}}" y2="{{plotBottom}}" stroke="#b3261e" stroke-width="1.5" stroke-dasharray="5 4"/>
<text class="onset-label" x="{{labelX}}" y="{{labelY}}" text-anchor="{{anchor}}" fill="#b3261e">{{text}}</text>{{/onset}}
{{#xLabels}}<text class="{{role}}" x="{{x}}" y="{{axisY}}" text-anchor="{{anchor}}">{{text}}</text>
{{/xLabels}}
</svg>
<figcaption>{{caption}}; the dashed line marks the onset.</figcaption>
</figure>
{{/chart}}
{{#steps}}
<div class="steps">
<h4>Next steps (rulewatch prints them, never runs them)</h4>
{{#groups}}<h4>{{title}}</h4>
<pre class="cmd">{{commands}}</pre>
{{/groups}}
<p class="meta">{{note}}</p>
</div>
{{/steps}}
</section>
{{/entries}}

{{#hasChanges}}
<h2>The ruleset around the onset</h2>
{{#changes}}
<h3>Snapshot {{snapshot}}{{#time}}, {{time}}{{/time}}</h3>
<ul class="changes">
{{#appeared}}<li>appeared: {{place}} <code>rule {{ruleID}}</code><pre>{{rule}}</pre></li>
{{/appeared}}
{{#vanished}}<li>vanished: {{place}} <code>rule {{ruleID}}</code><pre>{{rule}}</pre></li>
{{/vanished}}
</ul>
{{/changes}}
{{/hasChanges}}

<h2>All findings</h2>
<div class="table-wrap">
<table id="findings">
<thead><tr><th>severity</th><th>kind</th><th class="opt">score</th><th>where</th><th class="opt">rule</th><th>since</th></tr></thead>
<tbody>
{{#findings}}<tr><td><span class="badge {{severity}}">{{severity}}</span></td><td>{{kind}}</td><td class="opt">{{score}}</td><td>{{place}}</td><td class="opt"><code>{{ruleID}}</code></td><td>{{since}}</td></tr>
{{/findings}}
</tbody>
</table>
</div>

<h2>What was read</h2>
{{#read}}
<dl class="read">
<dt>{{kind}}</dt><dd>{{#inputs}}<code>{{.}}</code> {{/inputs}}</dd>
<dt>snapshots</dt><dd>{{snapshots}}</dd>
<dt>rules</dt><dd>{{rules}}</dd>
{{#from}}<dt>time range</dt><dd>{{from}} to {{to}}</dd>{{/from}}
<dt>formats</dt><dd>{{formats}}</dd>
<dt>egress</dt><dd>{{egress}}</dd>
</dl>
{{/read}}
</main>
<footer><p class="sub">Made by rulewatch. This page is self-contained: it loads nothing and runs no script.</p></footer>
</body>
</html>
"""#
}
