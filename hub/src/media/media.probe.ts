import { createReadStream } from 'node:fs';
import sharp from 'sharp';
import { createFile, type Movie, type MP4BoxBuffer } from 'mp4box';
import { AppError } from '@velvet/shared';
import { sniffFileType } from '../http/file-types';

export interface ProbedMedia {
  kind: 'image' | 'video';
  mime: string;
  /** As shown: an image rotated by its EXIF orientation reports the rotated size. */
  width: number;
  height: number;
  durationMs?: number;
}

/** A file that is not what the library takes, said plainly. */
export class UnsupportedMedia extends AppError {
  constructor(message: string) {
    super(422, 'unsupported_media', message);
  }
}

const ACCEPTED = 'JPEG, PNG, WebP or GIF images, or MP4 or MOV videos';

/** The format of a file from its first bytes; what the client claimed does not count. */
export function sniffMedia(head: Buffer): { kind: 'image' | 'video'; mime: string } | undefined {
  const mime = sniffFileType(head);
  if (!mime || mime === 'video/webm') return undefined;
  return { kind: mime.startsWith('image/') ? 'image' : 'video', mime };
}

/**
 * What an uploaded file is, read from the file itself: images are decoded (a damaged one
 * is refused), videos have their movie header read for duration and size.
 */
export async function probeMedia(file: string, head: Buffer): Promise<ProbedMedia> {
  const format = sniffMedia(head);
  if (!format) throw new UnsupportedMedia(`This file is not one of the accepted formats: ${ACCEPTED}`);
  if (format.kind === 'image') {
    const meta = await sharp(file)
      .metadata()
      .catch(() => undefined);
    if (!meta?.width || !meta.height)
      throw new UnsupportedMedia('This image could not be read: it may be damaged');
    // EXIF orientations 5 to 8 turn the picture a quarter: width and height swap on screen.
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      ...format,
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
    };
  }
  const movie = await readMovie(file);
  const track = movie?.videoTracks[0];
  if (!movie || !track)
    throw new UnsupportedMedia('This video could not be read: it has no video track or is damaged');
  const seconds = Math.max(
    movie.timescale ? movie.duration / movie.timescale : 0,
    track.timescale ? track.duration / track.timescale : 0,
  );
  const width = track.video?.width ?? track.track_width;
  const height = track.video?.height ?? track.track_height;
  if (!width || !height) throw new UnsupportedMedia('This video has no picture size in its header');
  return { ...format, width, height, durationMs: Math.round(seconds * 1000) };
}

/** Feeds the file to mp4box until it has read the movie header (it may sit at the end). */
function readMovie(file: string): Promise<Movie | undefined> {
  return new Promise((resolve) => {
    const parser = createFile();
    let done = false;
    let offset = 0;
    const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
    const finish = (movie: Movie | undefined) => {
      if (done) return;
      done = true;
      stream.destroy();
      resolve(movie);
    };
    parser.onReady = (info) => finish(info);
    parser.onError = () => finish(undefined);
    stream.on('data', (chunk) => {
      const bytes = chunk as Buffer;
      const buffer = bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as MP4BoxBuffer;
      buffer.fileStart = offset;
      offset += bytes.byteLength;
      try {
        parser.appendBuffer(buffer);
      } catch {
        finish(undefined);
      }
    });
    stream.on('end', () => {
      try {
        parser.flush();
      } catch {
        // a damaged file: no header
      }
      finish(undefined);
    });
    stream.on('error', () => finish(undefined));
  });
}

/** A small WebP preview that fits in 320 × 320, turned upright. */
export function imageThumbnail(file: string): Promise<Buffer> {
  return sharp(file)
    .rotate()
    .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .toBuffer();
}
