import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { quietErrors } from './fakes';

describe('ErrorState', () => {
  it('shows the latest open error with its code and origin, and logs it', () => {
    const { errors, logged } = quietErrors();
    errors.report('import', new StudioError('not-dicom', 'a.txt is not DICOM'));
    errors.report('training', new StudioError('out-of-memory', 'GPU memory ran out'));
    expect(errors.current).toEqual({ code: 'out-of-memory', message: 'GPU memory ran out', origin: 'training' });
    expect(logged).toEqual(['[not-dicom] a.txt is not DICOM', '[out-of-memory] GPU memory ran out']);
  });

  it("a success of an origin clears that origin's error only", () => {
    const { errors } = quietErrors();
    errors.report('import', new StudioError('not-dicom', 'a.txt is not DICOM'));
    errors.report('training', new StudioError('out-of-memory', 'GPU memory ran out'));
    errors.succeeded('training');
    expect(errors.current?.code).toBe('not-dicom');
    errors.succeeded('evaluation');
    expect(errors.current?.code).toBe('not-dicom');
    errors.succeeded('import');
    expect(errors.current).toBeNull();
  });

  it('a new error of an origin replaces its older one; dismiss shows the one below', () => {
    const { errors } = quietErrors();
    errors.report('gpu', new StudioError('no-gpu', 'no adapter'));
    errors.report('training', new Error('first'));
    errors.report('training', { code: 'device-lost', message: 'second' });
    expect(errors.current).toEqual({ code: 'device-lost', message: 'second', origin: 'training' });
    errors.dismiss();
    expect(errors.current?.origin).toBe('gpu');
    errors.dismiss();
    expect(errors.current).toBeNull();
  });

  it('ignores cancellations and plain errors become internal', () => {
    const { errors } = quietErrors();
    errors.report('training', new StudioError('cancelled', 'stopped'));
    expect(errors.current).toBeNull();
    errors.report('evaluation', new Error('boom'));
    expect(errors.current).toEqual({ code: 'internal', message: 'boom', origin: 'evaluation' });
  });

  it('keeps each warning once', () => {
    const { errors } = quietErrors();
    errors.warn('software adapter');
    errors.warn('software adapter');
    errors.warn('leakage');
    expect(errors.warnings).toEqual(['software adapter', 'leakage']);
  });
});
