// Golden wire bytes, derived by hand from the protobuf encoding rules (tag = field << 3 | wire
// type; wire type 0 varint, 1 fixed64, 2 length-delimited; packed repeated scalars are one
// length-delimited run of varints). If a field is renumbered, retyped or unpacked in
// proto/daq_data.proto, these bytes change and the test fails: old clients would break.
import { describe, expect, it } from 'vitest';
import {
  InitHpIoRequest,
  PanoImage,
  PanoImage_Type,
  StreamImagesRequest,
  StreamImagesResponse,
  type PanoImage as PanoImageMessage,
} from '../src/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** Joins hex written with spaces and comments stripped by the caller. */
const h = (...parts: string[]): string => parts.join('').replaceAll(' ', '');

const image: PanoImageMessage = {
  type: PanoImage_Type.PULSE_HEIGHT,
  header: { quabo_num: 3 },
  imageArray: [5, 0xfdc1 /* pixel -575 as 16-bit two's complement = 64961 */, 2014],
  shape: [16, 16],
  bytesPerPixel: 2,
  file: 'f.pff',
  frameNumber: 7,
  moduleId: 254,
};

const IMAGE_HEX = h(
  '08 01', // 1 type: tag 1<<3|0 = 0x08, PULSE_HEIGHT = 1
  '12 18', // 2 header: tag 2<<3|2 = 0x12, Struct of 24 bytes
  '0a 16', //   Struct.fields (map entry, field 1, LEN): 22 bytes
  '0a 09 71 75 61 62 6f 5f 6e 75 6d', //     entry key (field 1, LEN 9): "quabo_num"
  '12 09', //     entry value (field 2, LEN 9): google.protobuf.Value
  '11 00 00 00 00 00 00 08 40', //       Value.number_value: tag 2<<3|1 = 0x11, double 3.0 little-endian
  '1a 06', // 3 image_array: tag 3<<3|2 = 0x1a, packed, 6 bytes of varints
  '05', //   5
  'c1 fb 03', //   64961 = 0b11_1111011_1000001 -> 0x41|0x80, 0x7b|0x80, 0x03
  'de 0f', //   2014 = 15 * 128 + 94 -> 0x5e|0x80, 0x0f
  '22 02 10 10', // 4 shape: tag 4<<3|2 = 0x22, packed [16, 16]
  '28 02', // 5 bytes_per_pixel: tag 5<<3|0 = 0x28, 2
  '32 05 66 2e 70 66 66', // 6 file: tag 6<<3|2 = 0x32, "f.pff"
  '38 07', // 7 frame_number: tag 7<<3|0 = 0x38, 7
  '40 fe 01', // 8 module_id: tag 8<<3|0 = 0x40, 254 = 0x7e|0x80, 0x01
);

describe('DaqData wire bytes (golden)', () => {
  it('PanoImage, with a negative pulse-height pixel', () => {
    const bytes = PanoImage.encode(image).finish();
    expect(hex(bytes)).toBe(IMAGE_HEX);
    expect(bytes.length).toBe(54);
    expect(PanoImage.decode(bytes)).toEqual(image);
  });

  it('StreamImagesResponse', () => {
    const message = {
      name: 'n1',
      timestamp: new Date(1_700_000_000_500), // 1700000000 s + 500000000 ns
      message: '', // proto3 default: not on the wire
      panoImage: image,
    };
    const bytes = StreamImagesResponse.encode(message).finish();
    expect(hex(bytes)).toBe(
      h(
        '0a 02 6e 31', // 1 name: tag 0x0a, "n1"
        '12 0c', // 2 timestamp: tag 2<<3|2 = 0x12, Timestamp of 12 bytes
        '08 80 e2 cf aa 06', //   seconds (1, varint) 1700000000 = 0x6553f100 in 7-bit groups 00,62,4f,2a,06
        '10 80 ca b5 ee 01', //   nanos (2, varint) 500000000 = 0x1dcd6500 in 7-bit groups 00,4a,35,6e,01
        '22 36', // 4 pano_image: tag 4<<3|2 = 0x22, 54 bytes
        IMAGE_HEX,
      ),
    );
    expect(StreamImagesResponse.decode(bytes)).toEqual(message);
  });

  it('InitHpIoRequest', () => {
    const message = { dataDir: '/d', updateIntervalSeconds: 0.5, force: true, simulateDaq: false, moduleIds: [1, 300] };
    const bytes = InitHpIoRequest.encode(message).finish();
    expect(hex(bytes)).toBe(
      h(
        '0a 02 2f 64', // 1 data_dir: tag 0x0a, "/d"
        '11 00 00 00 00 00 00 e0 3f', // 2 update_interval_seconds: tag 2<<3|1 = 0x11, double 0.5
        '18 01', // 3 force: tag 3<<3|0 = 0x18, true
        // 4 simulate_daq false: default, absent; 5 reserved
        '32 03 01 ac 02', // 6 module_ids: tag 6<<3|2 = 0x32, packed [1, 300]; 300 = 2 * 128 + 44 -> 0x2c|0x80, 0x02
      ),
    );
    expect(InitHpIoRequest.decode(bytes)).toEqual(message);
  });

  it('StreamImagesRequest', () => {
    const message = { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 1, moduleIds: [254] };
    const bytes = StreamImagesRequest.encode(message).finish();
    expect(hex(bytes)).toBe(
      h(
        '08 01', // 1 stream_movie_data: true
        '10 01', // 2 stream_pulse_height_data: tag 2<<3|0 = 0x10, true
        '19 00 00 00 00 00 00 f0 3f', // 3 update_interval_seconds: tag 3<<3|1 = 0x19, double 1.0
        '22 02 fe 01', // 4 module_ids: tag 4<<3|2 = 0x22, packed [254]
      ),
    );
    expect(StreamImagesRequest.decode(bytes)).toEqual(message);
  });
});
