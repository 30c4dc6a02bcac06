import { postgresAvailable, POSTGRES_TEST_URL } from "../store/harness";

/** Says once, up front, whether the PostgreSQL half of the store tests runs. */
export default async function setup(): Promise<void> {
  if (!(await postgresAvailable())) {
    console.warn(
      `\n!! PostgreSQL at ${POSTGRES_TEST_URL} did not answer: the PostgreSQL store tests DID NOT RUN (only SQLite). CI=true makes this an error.\n`,
    );
  }
}
