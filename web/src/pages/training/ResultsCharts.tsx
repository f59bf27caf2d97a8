import { AreaChart, BarChart, FunnelChart } from '@mantine/charts';
import { Grid, Paper, Text, Title } from '@mantine/core';
import type { CampaignResults } from '../../api/training';

function ChartCard({ title, children, empty }: { title: string; children: React.ReactNode; empty?: boolean }) {
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text c="dimmed" size="sm">
          Nothing yet.
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}

/** The campaign page's charts: the funnel, completion over time, and by department and group. */
export function ResultsCharts({ results }: { results: CampaignResults }) {
  const f = results.funnel;
  const rate = (d: { enrolled: number; completed: number }) =>
    d.enrolled ? Math.round((d.completed / d.enrolled) * 100) : 0;
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <ChartCard title="Funnel" empty={results.enrolled === 0}>
          <FunnelChart
            data-testid="funnel-chart"
            size={200}
            withLabels
            labelsPosition="right"
            data={[
              { name: 'Invited', value: results.enrolled, color: 'blue.6' },
              { name: 'Started', value: f.started, color: 'cyan.6' },
              { name: 'Completed', value: f.completed, color: 'teal.6' },
            ]}
          />
          <Text size="xs" c="dimmed" mt="xs">
            Invitations sent {f.invited}, waiting {f.pending}, failed {f.failed}; links opened {f.clicked}.
          </Text>
        </ChartCard>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <ChartCard title="Completion over time" empty={results.completionByDay.length === 0}>
          <AreaChart
            data-testid="completion-chart"
            h={220}
            data={results.completionByDay}
            dataKey="day"
            series={[{ name: 'cumulative', label: 'Completed (total)', color: 'teal.6' }]}
            curveType="monotone"
            withDots={results.completionByDay.length < 30}
          />
        </ChartCard>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <ChartCard title="By department (% completed)" empty={results.byDepartment.length === 0}>
          <BarChart
            h={Math.max(160, results.byDepartment.length * 28)}
            orientation="vertical"
            data={results.byDepartment.map((d) => ({ department: d.department ?? '(none)', rate: rate(d) }))}
            dataKey="department"
            series={[{ name: 'rate', label: '% completed', color: 'teal.6' }]}
            xAxisProps={{ domain: [0, 100] }}
            yAxisProps={{ width: 120 }}
          />
        </ChartCard>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <ChartCard title="By group (% completed)" empty={results.byGroup.length === 0}>
          <BarChart
            h={Math.max(160, results.byGroup.length * 28)}
            orientation="vertical"
            data={results.byGroup.map((g) => ({ group: g.name, rate: rate(g) }))}
            dataKey="group"
            series={[{ name: 'rate', label: '% completed', color: 'indigo.6' }]}
            xAxisProps={{ domain: [0, 100] }}
            yAxisProps={{ width: 120 }}
          />
        </ChartCard>
      </Grid.Col>
    </Grid>
  );
}
