/** Small helpers: medians, number formatting, global ids, error messages, free ports, process memory. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
export const fmtRatio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');
export const globalId = (type: string, id: number): string =>
  Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in kB, as `ps -o rss` shows it (read from /proc on Linux); NaN when unknown. */
export function rssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]);
  } catch {
    // not Linux, or the process is gone
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || NaN;
  } catch {
    return NaN;
  }
}

/** A parsed JSON answer, untyped. */
export type Json = any;
