# photocheck's image for the API (`serve`) and the analysis workers (`worker`): the TypeScript sources run through tsx.
FROM node:20-bookworm
WORKDIR /app
# Evidence pictures label faces and banners in Chinese: a CJK font for librsvg (through sharp).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fontconfig fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
# npm ci compiles better-sqlite3 (package.json allowScripts) with the python3, make and g++ of this base image.
COPY package.json package-lock.json .npmrc tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY models ./models
# Two glibc malloc arenas instead of 8 per core: the analysis threads' native buffers (libvips, onnxruntime) are
# reused instead of spread over arenas; npm run bench, 2 threads: 848–858 vs 916–925 MB peak, same CPU time.
ENV PHOTOCHECK_DATA=/data \
    REDIS_URL=redis://redis:6379 \
    MALLOC_ARENA_MAX=2
VOLUME /data
ENTRYPOINT ["node", "bin/photocheck.js"]
CMD ["--help"]
