import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type Language, setLanguage } from '../i18n/i18n.js';

const labels: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current: Language = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return (
    <SegmentedControl
      aria-label={t('app.language')}
      size="xs"
      value={current}
      onChange={(value) => setLanguage(value === 'zh-CN' ? 'zh-CN' : 'en')}
      data={[
        { value: 'zh-CN', label: <span lang="zh-CN">{labels['zh-CN']}</span> },
        { value: 'en', label: <span lang="en">{labels.en}</span> },
      ]}
    />
  );
}
