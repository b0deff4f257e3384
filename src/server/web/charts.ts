/**
 * Charts of the public pages, drawn as SVG on the server: rectangles and text, no script, no style
 * attribute, so they pass the strict CSP and print as they show. Each chart is one `role="img"` named by
 * its `<title>` and described by its `<desc>` (its children are then presentational); the page puts the
 * same figures in a table beside it for anyone who needs to read them.
 */
import { html, type SafeHtml } from './html';

export interface Bar {
  label: string;
  value: number;
  /** The value as written beside the bar (formatted by the page for its language). */
  valueText: string;
  /** Drawn in the strong colour (e.g. a funded project); the legend says what it means. */
  strong?: boolean;
}

export interface BarChartInput {
  /** Unique in the page: prefixes the ids of `<title>` and `<desc>`. */
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  /** Legend of the strong colour, when some bars use it. */
  strongLegend?: string;
  weakLegend?: string;
}

// Colours from the pages' style sheet; both bar colours reach 3:1 against white (WCAG 1.4.11).
const INK = '#1b1b1b';
const STRONG = '#1f4e79';
const WEAK = '#6f8fae';

const WIDTH = 960;
const LABEL_WIDTH = 400;
const BAR_X = LABEL_WIDTH + 12;
const VALUE_ROOM = 90;
const ROW = 30;
const BAR_HEIGHT = 20;
const FONT = 16;
/** Characters of a label that fit the label column at this size; longer ones end in "…". */
const LABEL_CHARS = 44;

const shorten = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/** Horizontal bars, one row per datum in the given order, lengths proportional to the largest value. */
export function barChartSvg(input: BarChartInput): SafeHtml {
  const max = Math.max(0, ...input.bars.map((b) => b.value));
  const span = WIDTH - BAR_X - VALUE_ROOM;
  const legend = input.strongLegend !== undefined && input.bars.some((b) => b.strong);
  const top = legend ? ROW + 6 : 4;
  const height = top + input.bars.length * ROW + 4;
  const rows = input.bars.map((bar, i) => {
    const y = top + i * ROW;
    // A sliver for any non-zero value, so that it never reads as zero.
    const length = max === 0 ? 0 : Math.max(bar.value > 0 ? 2 : 0, (span * bar.value) / max);
    const textY = y + BAR_HEIGHT / 2 + FONT * 0.35;
    return html`<g>
      <text x="${LABEL_WIDTH}" y="${textY.toFixed(1)}" text-anchor="end" font-size="${FONT}" fill="${INK}">
        ${shorten(bar.label, LABEL_CHARS)}
      </text>
      <rect
        x="${BAR_X}"
        y="${y}"
        width="${length.toFixed(1)}"
        height="${BAR_HEIGHT}"
        rx="3"
        fill="${bar.strong ? STRONG : WEAK}"
      ></rect>
      <text
        x="${(BAR_X + length + 8).toFixed(1)}"
        y="${textY.toFixed(1)}"
        font-size="${FONT}"
        font-weight="700"
        fill="${INK}"
      >
        ${bar.valueText}
      </text>
    </g>`;
  });
  const legendRow = legend
    ? html`<g>
        <rect x="${BAR_X}" y="4" width="16" height="16" rx="2" fill="${STRONG}"></rect>
        <text x="${BAR_X + 22}" y="17" font-size="${FONT}" fill="${INK}">${input.strongLegend}</text>
        ${
          input.weakLegend
            ? html`<rect x="${BAR_X + 260}" y="4" width="16" height="16" rx="2" fill="${WEAK}"></rect>
                <text x="${BAR_X + 282}" y="17" font-size="${FONT}" fill="${INK}">${input.weakLegend}</text>`
            : ''
        }
      </g>`
    : '';
  return html`<svg
    class="chart-svg"
    role="img"
    aria-labelledby="${input.id}-title ${input.id}-desc"
    viewBox="0 0 ${WIDTH} ${height}"
    width="100%"
    font-family="'Atkinson Hyperlegible', system-ui, sans-serif"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${input.id}-title">${input.title}</title>
    <desc id="${input.id}-desc">${input.description}</desc>
    ${legendRow} ${rows}
  </svg>`;
}
