// The CLI's help text, in Chinese and English.
import type { Lang } from '../i18n/messages.ts';

export const help: Record<Lang, string> = {
  zh: `photocheck — 按通知要求检查活动照片（清晰、主题关键词、参与人数），按单位出具报告

用法:
  photocheck check <文件夹|照片…> [选项]    检查照片并输出报告（本机运行，不需要 Redis）
  photocheck eval <文件夹> [选项]           在已标注的照片上评估各项检查的准确度（npm run eval -- <文件夹>）

  文件夹按“单位/活动/照片”存放时一次检查多个单位（活动可写编号 一…八、1–8 或名称）；
  也可用 --unit 和 --activity 指定单个单位和活动。

check 的选项:
  --unit <单位>          单位名称，如 雁江镇
  --activity <活动>      活动编号或名称，如 四、4、关爱一老一小
  --format table|json    输出格式（默认 table）
  --out <文件>           把报告写入文件
  --lang zh|en           报告语言（默认 zh）
  --campaign <文件>      活动配置文件（默认 2023 年学雷锋志愿服务月通知）
  --ocr ppocr|tesseract  文字识别引擎（默认 ppocr）
  --faces <引擎>         人脸检测引擎：ssd-onnx-tiled（默认）、ssd-onnx、ssd-tiled、ssd-whole
  --jobs <N>             并行线程数（默认 CPU 核数）
  --cache <目录>         缓存分析结果，未改动的照片不再重复分析
  --quiet                不显示进度
  -h, --help             显示帮助

eval 的选项:
  --labels <文件>        标注文件（默认 <文件夹>/labels.json）
  --config <键=值,…>     基准配置（默认为默认配置），如 faces=ssd-onnx,text=tesseract
  --compare <键=值,…>    再评估一个“基准配置 + 这些改动”的配置，可重复，结果并排显示；
                         如 --compare text=tesseract --compare faces=ssd-onnx 共评估三个配置
                         键：faces（人脸引擎）、text（ppocr|tesseract）、working（识别用长边像素，默认 1920）、
                         sharpness（清晰度评分用长边像素，默认 1024）
  --format table|json    标准输出的格式（默认 table）
  --out <文件>           另把完整结果（每张照片、每行文字）以 JSON 写入文件
  --lang zh|en           报告语言（默认 zh）
  --campaign <文件>      活动配置文件（规则阈值与主题关键词从这里读取）
  --jobs <N>             每个配置的并行线程数（默认 CPU 核数）
  --cache <目录>         缓存分析结果（按照片内容和配置区分），再次运行几乎不用时间
  --quiet                不显示进度

  评估内容：≥20 人判断（标注范围跨越 20 的不计，复核单独计数）；6–80 人照片的人数平均相对误差；
  B_/D_ 照片横幅和标牌文字的字符准确率（[x] 和 ? 为不确定的字，不计分）；清晰/模糊判断及 C_ 照片的
  清晰度分数和方向比；无主题词照片上误报的主题关键词（所有活动）。

退出码: 0 检查完成（即使有照片不合格）；2 用法错误；1 其他错误。
`,
  en: `photocheck — check activity photos against the notice (sharpness, theme keywords, participants) and report per unit

Usage:
  photocheck check <folder|photos…> [options]    check photos and print the report (in-process, no Redis)
  photocheck eval <folder> [options]             measure the checks on a labelled folder (npm run eval -- <folder>)

  A folder laid out as <unit>/<activity>/photos checks many units at once (activity as 一…八, 1–8 or its
  name); or give --unit and --activity for one unit and activity.

Options of check:
  --unit <unit>          unit name, e.g. 雁江镇
  --activity <activity>  activity number or name, e.g. 四, 4, 关爱一老一小
  --format table|json    output format (default table)
  --out <file>           write the report to a file
  --lang zh|en           report language (default zh)
  --campaign <file>      campaign file (default: the 2023 Lei Feng month notice)
  --ocr ppocr|tesseract  text engine (default ppocr)
  --faces <engine>       face engine: ssd-onnx-tiled (default), ssd-onnx, ssd-tiled, ssd-whole
  --jobs <N>             parallel threads (default: number of cores)
  --cache <dir>          keep analyses so unchanged photos are not analysed again
  --quiet                no progress output
  -h, --help             show this help

Options of eval:
  --labels <file>        labels file (default <folder>/labels.json)
  --config <key=value,…> base configuration (default: the defaults), e.g. faces=ssd-onnx,text=tesseract
  --compare <key=value,…>
                         also evaluate "the base configuration with these changes"; repeatable, shown side
                         by side: --compare text=tesseract --compare faces=ssd-onnx evaluates three
                         keys: faces (face engine), text (ppocr|tesseract), working (long side in px faces and
                         text are found at, default 1920), sharpness (long side sharpness is scored at, default 1024)
  --format table|json    format on stdout (default table)
  --out <file>           also write the full result (every photo and text line) as JSON to a file
  --lang zh|en           report language (default zh)
  --campaign <file>      campaign file (rule thresholds and theme keywords come from it)
  --jobs <N>             parallel threads per configuration (default: number of cores)
  --cache <dir>          keep analyses (by photo content and configuration) so re-runs are instant
  --quiet                no progress output

  It measures: the ≥ 20 people decision (label ranges across 20 are skipped, review counted apart); the mean
  relative face-count error on photos with 6–80 faces; character accuracy of banner and sign text on B_/D_
  photos ([x] and ? mark uncertain characters, not scored); the sharp/blurred decision with every C_ photo's
  score and directional ratio; theme keywords (of any activity) found on photos without any.

Exit code: 0 the check ran (even if photos fail); 2 bad usage; 1 other errors.
`,
};
