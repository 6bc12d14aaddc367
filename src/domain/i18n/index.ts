import type { Locale } from '../money.ts';
import { en, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Messages };

export const messages = (locale: Locale): Messages => (locale === 'zh-CN' ? zhCN : en);
