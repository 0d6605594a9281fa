/** Flink's WatermarkStatus: an IDLE input is left out of watermark minimums downstream. */
export type WatermarkStatus = 'ACTIVE' | 'IDLE';
