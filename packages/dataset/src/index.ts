export { buildDataset, openDataset, type BuildOptions, type BuildReport } from './build.js';
export { computeMetrics, median, p90, type Distribution, type Metrics, type MetricsOptions, type PeriodFigures, type WeekFigures } from './metrics.js';
export { figureRows, formatHours, metricsMarkdown } from './format.js';
export { exportParquet, type ParquetExportOptions, type ParquetExportReport } from './parquet.js';
export { schemaMarkdown } from './docs.js';
export { runQuery, type QueryResult } from './query.js';
export { TABLES, SCHEMA_VERSION, type TableDefinition, type ColumnDefinition, type ColumnKind } from './schema.js';
export { VIEWS, type ViewDefinition } from './views.js';
export { detectSource, type Source } from './normalize.js';
