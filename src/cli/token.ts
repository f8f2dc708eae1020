// `photocheck token create <单位>` / `--collector`: a new API token, printed once; only its hash is stored.
import { findUnit, loadCampaign } from '../campaign/load.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { Store } from '../store/store.ts';

export interface TokenOptions {
  positionals: string[];
  collector: boolean;
  label?: string;
  data: string;
  campaign?: string;
  lang: Lang;
}

export async function tokenCommand(o: TokenOptions): Promise<void> {
  const [action, unitName, ...rest] = o.positionals;
  if (action !== 'create' || rest.length > 0) {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: 'photocheck token create <单位> 或 --collector / photocheck token create <unit> or --collector' });
  }
  if (o.collector === (unitName !== undefined)) {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: '请给出单位名称或 --collector（二选一） / give a unit name or --collector (one of them)' });
  }
  const campaign = loadCampaign(o.campaign);
  const unit = unitName === undefined ? undefined : findUnit(campaign, unitName).id;
  const store = new Store(o.data);
  try {
    const t = store.createToken({ role: unit ? 'unit' : 'collector', unit, label: o.label });
    const who = unit ?? (o.lang === 'zh' ? `汇总单位（${campaign.collector}）` : `the collector (${campaign.collector})`);
    process.stderr.write(o.lang === 'zh' ? `已为 ${who} 生成令牌（只显示这一次，请妥善保存）：\n` : `New token for ${who} (shown only this once; keep it safe):\n`);
    process.stdout.write(`${t.token}\n`);
  } finally {
    store.close();
  }
}
