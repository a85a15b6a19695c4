import { PageTitle } from '../components/PageTitle';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section>
      <PageTitle>Not found</PageTitle>
      <p>
        There is nothing at this address. <Link to="/projects">Go to the projects</Link>.
      </p>
    </section>
  );
}
