// Word lists for generated directories. Plain data, kept apart from the generator's logic.

export const GIVEN_NAMES =
  `Adele Alex Alice Allan Amelia Ana Andrew Anna Ben Bianca Brian Carla Carlos Caroline Chen Chris
Christie Claire Daniel David Debra Diego Elena Emily Emma Eric Eva Fatima Felix Fiona Frank Gabriel Grace Hannah Hans Harper
Henry Ines Irene Isaac Isabel Jakob James Jan Jane Javier Jessica Johanna John Jonas Jordan Jose Julia Karen Kenji Lara Laura
Lee Lena Leo Lidia Lucas Lukas Luis Lynne Maria Marie Mark Marta Megan Mia Miguel Miriam Mohammed Nestor Nina Noah Olga Oliver
Omar Patti Paul Pedro Pradeep Priya Rachel Raj Robert Rosa Sam Sandra Sara Sofia Stefan Susan Thomas Tim Tom Valentina Victor
Wei William Yuki Zoe`.split(/\s+/);

export const SURNAMES =
  `Abbott Adams Ahmed Alvarez Andersen Bauer Becker Bell Bowen Brown Campbell Carter Castro Chen Clark Cole
Cooper Costa Cruz Davis Diaz Dubois Edwards Evans Fischer Fernandez Foster Garcia Gomez Gonzalez Gray Green Hall Hansen Harris
Hoffmann Hughes Ivanova Jackson Jansen Johnson Jones Kelly Kim Klein Koch Kowalski Kumar Larsen Lee Lewis Lopez Martin Martinez
Meyer Miller Moore Morales Muller Murphy Nguyen Nielsen Novak Ortiz Patel Perez Peters Petrov Ramirez Reed Reyes Richter Rivera
Roberts Rossi Russo Sanchez Santos Schmidt Schneider Schulz Scott Silva Singh Smith Suzuki Tanaka Taylor Thomas Torres Turner
Varga Wagner Walker Wang Weber White Wilson Wright Young Zimmermann`.split(/\s+/);

export const DEPARTMENTS: { name: string; titles: string[] }[] = [
  { name: 'Sales', titles: ['Account Executive', 'Sales Representative', 'Sales Manager', 'Key Account Manager'] },
  { name: 'Marketing', titles: ['Marketing Specialist', 'Content Manager', 'Marketing Manager', 'Brand Manager'] },
  { name: 'Finance', titles: ['Accountant', 'Financial Analyst', 'Controller', 'Finance Manager'] },
  { name: 'Human Resources', titles: ['HR Generalist', 'Recruiter', 'HR Business Partner', 'HR Manager'] },
  {
    name: 'Engineering',
    titles: ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'QA Engineer'],
  },
  { name: 'IT', titles: ['IT Administrator', 'Helpdesk Technician', 'Systems Engineer', 'IT Manager'] },
  { name: 'Operations', titles: ['Operations Analyst', 'Logistics Coordinator', 'Operations Manager'] },
  { name: 'Legal', titles: ['Legal Counsel', 'Paralegal', 'Compliance Officer'] },
  { name: 'Customer Support', titles: ['Support Agent', 'Support Team Lead', 'Customer Success Manager'] },
  { name: 'Research & Development', titles: ['Research Scientist', 'Product Designer', 'Product Manager'] },
  { name: 'Procurement', titles: ['Buyer', 'Procurement Specialist', 'Procurement Manager'] },
  { name: 'Executive', titles: ['Chief Executive Officer', 'Chief Financial Officer', 'Executive Assistant'] },
];

export const OFFICES = [
  { name: 'London', region: 'Europe', phone: '+44 20 7946' },
  { name: 'Berlin', region: 'Europe', phone: '+49 30 901820' },
  { name: 'Paris', region: 'Europe', phone: '+33 1 7090' },
  { name: 'Madrid', region: 'Europe', phone: '+34 91 123' },
  { name: 'Seattle', region: 'North America', phone: '+1 206 555' },
  { name: 'New York', region: 'North America', phone: '+1 212 555' },
  { name: 'Toronto', region: 'North America', phone: '+1 416 555' },
  { name: 'Sydney', region: 'Asia Pacific', phone: '+61 2 5550' },
  { name: 'Singapore', region: 'Asia Pacific', phone: '+65 6555' },
  { name: 'Tokyo', region: 'Asia Pacific', phone: '+81 3 5555' },
];

export const PROJECTS =
  `Phoenix Atlas Orion Horizon Nova Apollo Zephyr Falcon Aurora Titan Mercury Everest Neptune Vega Summit
Beacon Compass Lighthouse Catalyst Quantum`.split(/\s+/);

export const PARTNER_DOMAINS = [
  'northwindtraders.com',
  'adatum.com',
  'tailspintoys.com',
  'wingtiptoys.com',
  'litware.com',
];

export const LANGUAGES = ['en-US', 'en-US', 'en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP'];
