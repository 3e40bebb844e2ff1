import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorEnvelope, JobCreated, JobId, JobSpec, JobView } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { jobLinks, newJobId } from '../job-store.js';
import { checkJob } from '../validate-job.js';

const JobParams = Type.Object({ id: JobId });

/** Submit a training job and read it back. */
export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/jobs',
    {
      schema: {
        summary: 'Submit a training job',
        description:
          'Takes a Keras model config, compile and fit arguments, a dataset and a seed. The model is built against ' +
          "the dataset's shapes before the job is queued, so a spec that cannot train is refused here with a 400 " +
          'naming the field, the layer and the shapes. compile and fit take the Keras options the engine trains with: ' +
          'metric objects (AUC, Precision, Recall, TopKCategoricalAccuracy, …), learning-rate schedules and gradient ' +
          'clipping in the optimizer config, class_weight, initial_epoch, and callbacks (EarlyStopping, ' +
          'ReduceLROnPlateau, TerminateOnNaN), each checked before queuing — a callback also against the values the job logs.',
        tags: ['jobs'],
        body: JobSpec,
        response: { 201: JobCreated, 400: ErrorEnvelope, 503: ErrorEnvelope },
      },
    },
    async (request, reply) => {
      const spec = request.body;
      const checked = checkJob(spec, { maxParams: app.config.maxParams });
      const id = newJobId();
      await app.jobs.create(id, spec);
      try {
        await app.queue.add(
          'train',
          { jobId: id, spec },
          {
            jobId: id,
            attempts: app.config.jobAttempts,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 24 * 3600 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        );
      } catch (err) {
        await app.jobs.discard(id).catch(() => undefined);
        throw err;
      }
      request.log.info({ jobId: id, params: checked.params }, 'job queued');
      const links = jobLinks(id);
      return reply.status(201).header('location', links.self).send({ id, status: 'queued' as const, links });
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'Get a job',
        description: 'Status, spec, attempts, timings, the latest epoch metrics while running, and the final metrics (with test_loss and test_accuracy where the dataset has a test split) once finished.',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobView, 400: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => {
      const job = await app.jobs.get(request.params.id);
      if (!job) throw new ApiError('JOB_NOT_FOUND', `No job ${request.params.id}`, { id: request.params.id });
      return job;
    },
  );
};
