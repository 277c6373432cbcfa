// Types for the Prometheus text-format parser the metrics tests use (it ships none); ambient, so the CLI tests see it too.
declare module 'parse-prometheus-text-format' {
  /** One metric family as prom2json shapes it. */
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: string;
    metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>;
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
