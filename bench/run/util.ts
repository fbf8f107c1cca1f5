/** Small helpers: medians, number formatting, global ids, error messages, free ports, process memory. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

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

/**
 * The CPU as precisely as the machine tells it: the model name, and on Linux
 * the family / model / stepping and clock from /proc/cpuinfo (a VM may name
 * only "AMD EPYC"; the family tells the generation), and the logical CPUs.
 */
export function cpuDescription(): string {
  const cpus = os.cpus();
  let detail = '';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1].trim();
    const [family, model, stepping, mhz] = [field('cpu family'), field('model'), field('stepping'), field('cpu MHz')];
    if (family && model) {
      detail = ` (family ${family} model ${model}${stepping ? ` stepping ${stepping}` : ''}${
        mhz ? `, ${Math.round(Number(mhz))} MHz` : ''
      })`;
    }
  } catch {
    // not Linux
  }
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}${detail}, ${cpus.length} logical CPUs`;
}

/** The 1-minute load average, as a note of how busy the machine was (other work shares it). */
export const loadAverage = (): string => os.loadavg()[0].toFixed(1);
