import { parentPort, threadId, workerData } from 'node:worker_threads';
import { ProgramChain } from '../loudness/program-chain';
import { LOUDNESS_EVERY_FRAMES, type EncoderReply, type EncoderRequest, type EncoderWorkerConfig } from './encoder-protocol';
import { floatToInt16, OpusApplication, OpusCtl, OpusEncoder } from './opus-native';

/*
 * The Opus encoder's thread. Built as its own entry (out/opus/encoder-worker.js) so the engine can
 * start it from the bundle; run from source under tsx/vitest in development. It holds one libopus
 * encoder and answers every request in order. Every frame goes through the program chain first
 * (leveller, true-peak limiter, loudness meter): the one program every output and the recording
 * carry, processed once, off the engine's event loop.
 */

const port = parentPort;
if (!port) throw new Error('encoder-worker must run as a worker thread');
const config = workerData as EncoderWorkerConfig;

const send = (reply: EncoderReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

let encoder: OpusEncoder | null = null;
try {
  encoder = new OpusEncoder(config.channels, OpusApplication.AUDIO);
  encoder.set(OpusCtl.SET_BITRATE, config.bitsPerSecond);
  encoder.set(OpusCtl.SET_COMPLEXITY, config.complexity);
  encoder.set(OpusCtl.SET_VBR, config.vbr ? 1 : 0);
  encoder.set(OpusCtl.SET_VBR_CONSTRAINT, 0); // unconstrained VBR, as opusenc uses
  // In-band FEC makes hybrid SILK+CELT frames and costs ~5× CPU; it helps nothing over TCP.
  encoder.set(OpusCtl.SET_INBAND_FEC, 0);
  encoder.set(OpusCtl.SET_PACKET_LOSS_PERC, 0);
  send({ type: 'ready', lookaheadSamples: encoder.get(OpusCtl.GET_LOOKAHEAD), threadId, bitsPerSecond: encoder.get(OpusCtl.GET_BITRATE) });
} catch (error) {
  send({ type: 'failed', id: null, message: error instanceof Error ? error.message : String(error) });
  encoder?.destroy();
  encoder = null;
}

const pcm = new Int16Array(config.frameSamples * config.channels);
const chain = new ProgramChain(config.channels, config.loudness);
let framesProcessed = 0;
let bitsPerSecond = config.bitsPerSecond;

port.on('message', (request: EncoderRequest) => {
  switch (request.type) {
    case 'encode': {
      if (!encoder) {
        send({ type: 'failed', id: request.id, message: 'the encoder is not running' });
        return;
      }
      try {
        // The samples are this thread's own copy (structured clone): the chain works on them in place.
        chain.process(request.samples);
        floatToInt16(request.samples, pcm);
        const packet = encoder.encode(pcm, config.frameSamples);
        const loudness = framesProcessed++ % LOUDNESS_EVERY_FRAMES === 0 ? chain.reading() : undefined;
        send({ type: 'packet', id: request.id, data: packet, bitsPerSecond, ...(loudness ? { loudness } : {}) }, [
          packet.buffer as ArrayBuffer,
        ]);
      } catch (error) {
        send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    case 'bitrate':
      try {
        encoder?.set(OpusCtl.SET_BITRATE, request.bitsPerSecond);
        bitsPerSecond = request.bitsPerSecond;
      } catch (error) {
        send({ type: 'failed', id: null, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    case 'close':
      encoder?.destroy();
      encoder = null;
      send({ type: 'closed' });
      port.close();
      return;
  }
});
