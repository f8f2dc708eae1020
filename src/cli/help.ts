// The CLI's help text, in Chinese and English.
import type { Lang } from '../i18n/messages.ts';

export const help: Record<Lang, string> = {
  zh: `photocheck — 按通知要求检查活动照片（清晰、主题关键词、参与人数），按单位出具报告

用法:
  photocheck check <文件夹|照片…> [选项]    检查照片并输出报告（本机运行，不需要 Redis）
  photocheck eval <文件夹> [选项]           在已标注的照片上评估各项检查的准确度（npm run eval -- <文件夹>）
  photocheck bench [文件夹|照片…] [选项]    测量速度与内存：各阶段每张用时、每分钟照片数、峰值内存（npm run bench）
  photocheck serve [选项]                    启动检查服务（HTTP 接口；需要 Redis）
  photocheck worker [选项]                   启动一个分析 worker（从队列取照片分析；可在多台机器上启动多个）
  photocheck submit <文件夹|照片…> [选项]    把照片上传到检查服务，显示进度，检查完后输出报告
  photocheck review --submission <N> --file <照片> --pass|--fail|--remove [--note <说明>]
                                             人工复核一张照片（汇总单位令牌）：结论取代自动判定，自动判定仍保留
  photocheck token create <单位>|--collector 生成访问令牌（单位令牌只能访问本单位；汇总单位令牌可访问全部）

  文件夹按“单位/活动/照片”存放时一次检查多个单位（活动可写编号 一…八、1–8 或名称）；
  也可用 --unit 和 --activity 指定单个单位和活动。

check 的选项:
  --unit <单位>          单位名称，如 雁江镇
  --activity <活动>      活动编号或名称，如 四、4、关爱一老一小
  --format <格式>        输出格式（默认 table）：table 文字；json 完整数据；html 单个网页文件（含检查标注图，
                         可直接发邮件、在手机上看）；xlsx Excel 工作簿（总览 + 照片明细，须同时给 --out）；
                         csv 照片明细（每张照片一行，UTF-8 带 BOM，Excel 可直接打开）
  --out <文件>           把报告写入文件
  --lang zh|en           报告语言（默认 zh）
  --campaign <文件>      活动配置文件（默认 2023 年学雷锋志愿服务月通知）
  --ocr ppocr|tesseract  文字识别引擎（默认 ppocr）
  --faces <引擎>         人脸检测引擎：ssd-onnx-tiled（默认）、ssd-onnx、ssd-onnx-int8-tiled（int8，更快）、ssd-tiled、ssd-whole
  --jobs <N>             同时分析的照片数（默认 CPU 核数；少于核数时核平分给各张照片，如 --jobs 1 每张用全部核、内存约减半）
  --cache <目录>         缓存分析结果，未改动的照片不再重复分析
  --submitted-at <时间>  照片的提交时间，如 2023-03-26 或 2023-03-26T09:30:00+08:00；晚于通知的报送截止时间
                         则单位和活动标为“逾期”（默认：未知，不判断是否逾期，报告中写明截止时间）
  --quiet                不显示进度
  -h, --help             显示帮助

eval 的选项:
  --labels <文件>        标注文件（默认 <文件夹>/labels.json）
  --config <键=值,…>     基准配置（默认为默认配置），如 faces=ssd-onnx,text=tesseract
  --compare <键=值,…>    再评估一个“基准配置 + 这些改动”的配置，可重复，结果并排显示；
                         如 --compare text=tesseract --compare faces=ssd-onnx 共评估三个配置
                         键：faces（人脸引擎）、text（ppocr|tesseract）、working（识别用长边像素，默认 1920）、
                         sharpness（清晰度评分用长边像素，默认 1024）、tile（人脸分块边长，默认 640）、
                         det（PP-OCR 文字检测长边像素，默认 1152）、ort（onnxruntime 每个会话的线程数，默认 1）
  --format table|json    标准输出的格式（默认 table）
  --out <文件>           另把完整结果（每张照片、每行文字）以 JSON 写入文件
  --lang zh|en           报告语言（默认 zh）
  --campaign <文件>      活动配置文件（规则阈值与主题关键词从这里读取）
  --jobs <N>             每个配置的并行线程数（默认 CPU 核数）
  --cache <目录>         缓存分析结果（按照片内容和配置区分），再次运行几乎不用时间
  --quiet                不显示进度

  评估内容：≥20 人判断（标注范围跨越 20 的不计，复核单独计数）；6–80 人照片的人数平均相对误差；
  B_/D_ 照片横幅和标牌文字的字符准确率（[x] 和 ? 为不确定的字，不计分）；清晰/模糊判断及 C_ 照片的
  清晰度分数和方向比；无主题词照片上误报的主题关键词（所有活动）；标注 red_vests（yes/partial/no）的照片上
  志愿服装规则的判定（通过/复核/不通过对照表）和计为着装的人数。

bench 的选项:
  不给文件夹时，用 fixtures/make-bench-photos.ts 由测试夹具生成的 12 MP（4000×3000）照片（存于 .cache/bench-photos）。
  每个配置各用一个进程和一个线程池（与 check 和 worker 相同），先每个线程预热一张，再交替测量；
  每轮先连续处理（吞吐），再逐张处理（单独一张的总耗时）。
  --config <键=值,…>     基准配置（默认为默认配置），键同 eval，另有 threads=N（该配置的线程数）
                         和 split=0|1（单独一张照片时是否在另一个空闲线程上找人脸）
  --compare <键=值,…>    再测一个“基准配置 + 这些改动”的配置，可重复，结果并排显示；
                         如 --compare ort=2,threads=1 --compare tile=960 --compare det=1280
  --threads <N>          每个配置的线程数（默认 CPU 核数）
  --repeat <N>           测量轮数，每轮每张照片一次（默认 3）
  --no-baseline          不测基线（face-api 整图 + tesseract.js 整图：faces=ssd-whole,text=tesseract）
  --format table|json    标准输出的格式（默认 table）
  --out <文件>           另把完整结果以 JSON 写入文件
  --lang zh|en --campaign <文件> --quiet   同 eval

  机器上有其他任务时墙钟时间会变长：只比较同一次运行中的配置，看中位数、倍数和 CPU 时间，并注意报告中的负载。

serve / worker 的选项:
  --data <目录>          数据目录（照片和 SQLite 数据库；worker 只读其中的 photos/，可为只读挂载）（默认 PHOTOCHECK_DATA 或 ./data）
  --redis <URL>          Redis 地址（默认 REDIS_URL 或 redis://127.0.0.1:6379；必须 maxmemory-policy noeviction）
  --prefix <名称>        队列键名前缀（默认 PHOTOCHECK_QUEUE_PREFIX 或 photocheck）
  --campaign <文件>      活动配置文件（serve；修改阈值后调用 POST /api/recheck 重新判定）
  --faces <引擎> --ocr <引擎>  分析引擎（服务与 worker 必须一致；worker 只取同一分析版本的任务）
  --port <端口>          serve：监听端口（默认 PORT 或 8080）
  --host <地址>          serve：监听地址（默认 HOST 或 127.0.0.1；容器中用 0.0.0.0）
  --concurrency <N>      worker：同时分析的照片数（每个一个线程、一套模型，约 0.4 GB；默认 CPU 核数；少于核数时核平分给各张照片）
  --lock-duration <毫秒> worker：任务锁时长，worker 意外退出后其任务在此之后交给其他 worker（默认 30000）
  --stalled-interval <毫秒>  worker：检查失联任务的间隔（默认 30000）
  --grace <秒>           worker：收到 SIGTERM 后等待当前任务完成的时间，超时则交还队列（默认 20）
  worker 以环境变量 MALLOC_ARENA_MAX=2 启动时内存峰值少约 70 MB（glibc，速度不变；Docker 镜像已设置）

submit 的选项:
  --server <URL>         服务地址，如 http://127.0.0.1:8080（或 PHOTOCHECK_SERVER）
  --token <令牌>         访问令牌（或 PHOTOCHECK_TOKEN）
  --unit <单位> --activity <活动>  上传单张照片时指定单位和活动
  --mode merge|replace   replace：文件夹即新版本（未上传的照片视为删除）；merge：只替换或新增上传的照片
                         （默认：文件夹 replace，单张照片 merge）。未改动的照片不会重新分析
  --format <格式> --out <文件> --lang zh|en --quiet   与 check 相同（html 不含检查标注图）
  --interval <秒>        查询进度的间隔（默认 1）
  --timeout <秒>         最长等待时间（默认 3600）

review 的选项:
  --server <URL> --token <令牌>   同 submit（需汇总单位的令牌）
  --submission <N>       提交编号（报告中 submission.id，或 submit 的输出）
  --file <照片>          该提交中的照片文件名
  --pass | --fail        人工复核结论（不合格时必须用 --note 写明原因）；--remove 删除复核结论，恢复自动判定
  --note <说明>          说明，如“现场有垃圾”；单位上传同名但内容不同的照片后，原复核结论失效

token 的选项:
  --collector            生成汇总单位的令牌
  --label <说明>         备注（如持有人）
  --data <目录>          数据目录（与服务相同）

退出码: 0 检查完成（即使有照片不合格）；2 用法错误；1 其他错误。
`,
  en: `photocheck — check activity photos against the notice (sharpness, theme keywords, participants) and report per unit

Usage:
  photocheck check <folder|photos…> [options]    check photos and print the report (in-process, no Redis)
  photocheck eval <folder> [options]             measure the checks on a labelled folder (npm run eval -- <folder>)
  photocheck bench [folder|photos…] [options]    measure speed and memory: time per stage and photo, photos/min, peak RSS (npm run bench)
  photocheck serve [options]                     start the checking service (HTTP API; needs Redis)
  photocheck worker [options]                    start an analysis worker (takes photos off the queue; run many, on many machines)
  photocheck submit <folder|photos…> [options]   upload photos to the service, show progress, print the report when ready
  photocheck review --submission <N> --file <photo> --pass|--fail|--remove [--note <text>]
                                                 a reviewer's decision on one photo (collector's token): it replaces the
                                                 automatic verdict, which is kept
  photocheck token create <unit>|--collector     create an access token (a unit's reaches that unit only; the collector's every unit)

  A folder laid out as <unit>/<activity>/photos checks many units at once (activity as 一…八, 1–8 or its
  name); or give --unit and --activity for one unit and activity.

Options of check:
  --unit <unit>          unit name, e.g. 雁江镇
  --activity <activity>  activity number or name, e.g. 四, 4, 关爱一老一小
  --format <format>      output format (default table): table text; json the full data; html one web page with
                         the evidence pictures (e-mail it, read it on a phone); xlsx an Excel workbook (overview
                         and photos; needs --out); csv one row per photo (UTF-8 with BOM, opens in Excel)
  --out <file>           write the report to a file
  --lang zh|en           report language (default zh)
  --campaign <file>      campaign file (default: the 2023 Lei Feng month notice)
  --ocr ppocr|tesseract  text engine (default ppocr)
  --faces <engine>       face engine: ssd-onnx-tiled (default), ssd-onnx, ssd-onnx-int8-tiled (int8, faster), ssd-tiled, ssd-whole
  --jobs <N>             photos analysed at once (default: number of cores; fewer share the cores out, e.g. --jobs 1 uses every core per photo with about half the memory)
  --cache <dir>          keep analyses so unchanged photos are not analysed again
  --submitted-at <time>  when the photos were submitted, e.g. 2023-03-26 or 2023-03-26T09:30:00+08:00; after the
                         notice's deadline, units and activities are marked late (逾期) (default: not known, lateness
                         is not judged and the report states the deadline)
  --quiet                no progress output
  -h, --help             show this help

Options of eval:
  --labels <file>        labels file (default <folder>/labels.json)
  --config <key=value,…> base configuration (default: the defaults), e.g. faces=ssd-onnx,text=tesseract
  --compare <key=value,…>
                         also evaluate "the base configuration with these changes"; repeatable, shown side
                         by side: --compare text=tesseract --compare faces=ssd-onnx evaluates three
                         keys: faces (face engine), text (ppocr|tesseract), working (long side in px faces and
                         text are found at, default 1920), sharpness (long side sharpness is scored at, default 1024),
                         tile (face tile side, default 640), det (long side PP-OCR detects text at, default 1152),
                         ort (onnxruntime threads per session, default 1)
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
  score and directional ratio; theme keywords (of any activity) found on photos without any; the uniform
  rule's status (label yes/partial/no × pass/review/fail) and uniformed count on photos labelled red_vests.

Options of bench:
  Without a folder it times 12 MP (4000×3000) photos that fixtures/make-bench-photos.ts makes from the committed
  fixtures (kept in .cache/bench-photos). Each configuration runs in its own process with its own thread pool (as
  check and worker do), warms up with one photo per thread, and is measured in rounds interleaved with the others;
  each round times the photos arriving continuously (throughput) and one at a time (how long a photo takes alone).
  --config <key=value,…> base configuration (default: the defaults); keys as for eval, plus threads=N (its threads)
                         and split=0|1 (whether a photo on its own has its faces found on a second free thread)
  --compare <key=value,…>
                         also measure "the base configuration with these changes"; repeatable, side by side:
                         e.g. --compare ort=2,threads=1 --compare tile=960 --compare det=1280
  --threads <N>          threads per configuration (default: number of cores)
  --repeat <N>           measured rounds, every photo once per round (default 3)
  --no-baseline          leave out the baseline (face-api whole image + tesseract.js whole image:
                         faces=ssd-whole,text=tesseract)
  --format table|json    format on stdout (default table)
  --out <file>           also write the full result as JSON to a file
  --lang zh|en --campaign <file> --quiet   as for eval

  Other jobs on the machine stretch wall times: compare configurations within one run only, by medians, ratios
  and CPU time, and note the load average the report prints.

Options of serve / worker:
  --data <dir>           data directory (photos and the SQLite database; a worker only reads its photos/, a read-only mount will do)
                         (default PHOTOCHECK_DATA or ./data)
  --redis <url>          Redis URL (default REDIS_URL or redis://127.0.0.1:6379; must have maxmemory-policy noeviction)
  --prefix <name>        queue key prefix (default PHOTOCHECK_QUEUE_PREFIX or photocheck)
  --campaign <file>      campaign file (serve; after changing thresholds, POST /api/recheck judges everything again)
  --faces <engine> --ocr <engine>  analysis engines (the service and every worker must agree; a worker takes only its analysis version's jobs)
  --port <port>          serve: port (default PORT or 8080)
  --host <address>       serve: address to listen on (default HOST or 127.0.0.1; 0.0.0.0 in a container)
  --concurrency <N>      worker: photos analysed at once (one thread and one set of models each, ~0.4 GB; default: cores)
  --lock-duration <ms>   worker: job lock; if the worker dies its jobs go to another worker after this (default 30000)
  --stalled-interval <ms>  worker: how often to look for jobs of dead workers (default 30000)
  --grace <s>            worker: on SIGTERM, wait this long for current jobs, then hand them back (default 20)
  Start the worker with MALLOC_ARENA_MAX=2 in its environment for ~70 MB less peak memory (glibc; same speed; the Docker image sets it)

Options of submit:
  --server <url>         the service, e.g. http://127.0.0.1:8080 (or PHOTOCHECK_SERVER)
  --token <token>        access token (or PHOTOCHECK_TOKEN)
  --unit <unit> --activity <activity>  for single photos
  --mode merge|replace   replace: the folder is the new version (photos not uploaded are removed); merge: only
                         replace or add the uploaded photos (default: replace for folders, merge for single photos).
                         Unchanged photos are never analysed again
  --format <format> --out <file> --lang zh|en --quiet   as for check (html without evidence pictures)
  --interval <s>         seconds between progress polls (default 1)
  --timeout <s>          give up after this many seconds (default 3600)

Options of review:
  --server <url> --token <token>   as for submit (the collector's token)
  --submission <N>       submission id (submission.id in the report, or submit's output)
  --file <photo>         file name of the photo in that submission
  --pass | --fail        the reviewer's verdict (a fail needs --note saying why); --remove deletes the decision,
                         the automatic verdict counts again
  --note <text>          why, e.g. "litter on the ground"; a new photo under the same name voids the decision

Options of token:
  --collector            a token for the collector
  --label <text>         a note (who holds it)
  --data <dir>           data directory (the service's)

Exit code: 0 the check ran (even if photos fail); 2 bad usage; 1 other errors.
`,
};
