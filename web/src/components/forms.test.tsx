import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../pages/admin/UsersPage';
import { endpointProblem } from '../pages/project/WebhooksTab';
import { Field } from './Field';
import { validSize } from './SizeInput';

describe('form rules', () => {
  it("take Harbor's passwords and say what is missing from others", () => {
    expect(passwordProblem('Passw0rdPassw0rd')).toBe(true);
    expect(passwordProblem('Sh0rt')).toBe('8 to 128 characters');
    expect(passwordProblem('alllowercase1')).toMatch(/upper-case/);
    expect(passwordProblem('A1'.repeat(65))).toBe('8 to 128 characters');
  });

  it('take only http and https endpoints', () => {
    expect(endpointProblem('https://hooks.example.com/x')).toBe(true);
    expect(endpointProblem('http://127.0.0.1:8080/hook')).toBe(true);
    expect(endpointProblem('ftp://example.com/')).not.toBe(true);
    expect(endpointProblem('javascript:alert(1)')).not.toBe(true);
    expect(endpointProblem('not a url')).not.toBe(true);
  });

  it('take sizes with a unit, or -1', () => {
    expect(validSize('10', 'GiB')).toBe(true);
    expect(validSize('-1', 'GiB')).toBe(true);
    expect(validSize('ten', 'GiB')).not.toBe(true);
    expect(validSize('-2', 'MiB')).not.toBe(true);
  });
});

describe('Field', () => {
  it('ties its label, hint and error to the control', () => {
    render(
      <Field label="Project Name" hint="Lower-case" error="Name the project">
        <input />
      </Field>,
    );
    const input = screen.getByLabelText('Project Name');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Lower-case Name the project');
  });

  it('is valid without an error', () => {
    render(
      <Field label="Description">
        <input />
      </Field>,
    );
    expect(screen.getByLabelText('Description')).not.toHaveAttribute('aria-invalid');
  });
});
