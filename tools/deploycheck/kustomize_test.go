package deploycheck

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/promrule"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// rendered is what one kustomization builds, decoded strictly.
type rendered struct {
	deployment     *appsv1.Deployment
	service        *corev1.Service
	serviceAccount *corev1.ServiceAccount
	serviceMonitor *monitoringv1.ServiceMonitor
	prometheusRule *monitoringv1.PrometheusRule
	networkPolicy  *networkingv1.NetworkPolicy
	namespaces     map[string]bool
}

// kustomize builds the kustomization in dir, relative to the repository.
func kustomize(dir string) (resmap.ResMap, error) {
	return krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(root, dir))
}

// build builds the kustomization in dir and decodes each object strictly
// into the API type kubeTypes names for it, and into its field.
func build(t *testing.T, dir string) *rendered {
	t.Helper()
	m, err := kustomize(dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	r := &rendered{namespaces: map[string]bool{}}
	seen := map[string]bool{}
	for _, res := range m.Resources() {
		data, err := res.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		if seen[res.GetKind()] {
			t.Fatalf("%s builds more than one %s", dir, res.GetKind())
		}
		seen[res.GetKind()] = true
		_, obj, err := decodeObject(data)
		if err != nil {
			t.Fatalf("%s: %s does not decode strictly: %v", dir, res.GetKind(), err)
		}
		if !setField(obj, &r.deployment) && !setField(obj, &r.service) && !setField(obj, &r.serviceAccount) &&
			!setField(obj, &r.serviceMonitor) && !setField(obj, &r.prometheusRule) && !setField(obj, &r.networkPolicy) {
			t.Fatalf("%s builds an unexpected %s", dir, res.GetKind())
		}
		r.namespaces[res.GetNamespace()] = true
	}
	if r.deployment == nil || r.service == nil || r.serviceAccount == nil || r.serviceMonitor == nil ||
		r.prometheusRule == nil || r.networkPolicy == nil {
		t.Fatalf("%s does not build every object: %+v", dir, r)
	}
	return r
}

// setField puts obj into *field if it has the field's type, and reports
// whether it did.
func setField[T any](obj any, field **T) bool {
	o, ok := obj.(*T)
	if ok {
		*field = o
	}
	return ok
}

func exporterContainer(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	cs := d.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	return cs[0]
}

func TestKubernetesBaseRunsNonRootReadOnlyWithProbesAndResources(t *testing.T) {
	r := build(t, "deploy/kubernetes/base")
	if len(r.namespaces) != 1 || !r.namespaces["monitoring"] {
		t.Errorf("objects land in namespaces %v, want monitoring only", r.namespaces)
	}
	pod := r.deployment.Spec.Template.Spec
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != 65534 {
		t.Errorf("pod security context %+v: want runAsNonRoot and runAsUser 65534", psc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod mounts a Kubernetes API token it never uses")
	}
	c := exporterContainer(t, r.deployment)
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !reflect.DeepEqual(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container security context %+v: want a read-only root filesystem, no privilege escalation, all capabilities dropped", sc)
	}
	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[res]; !ok {
			t.Errorf("no %s request", res)
		}
	}
	if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
		t.Error("no memory limit")
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "http-metrics" || c.Ports[0].ContainerPort != 9877 {
		t.Fatalf("ports %+v: want http-metrics on 9877", c.Ports)
	}
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		// Not /metrics: that would call the ECS API on every probe.
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/" || p.HTTPGet.Port.String() != "http-metrics" {
			t.Errorf("%s probe %+v: want GET / on http-metrics", name, p)
		}
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].SecretRef == nil || c.EnvFrom[0].SecretRef.Name != "aliyun-ecs-exporter-credentials" {
		t.Errorf("credentials: envFrom %+v, want the Secret aliyun-ecs-exporter-credentials", c.EnvFrom)
	}
	version, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "aliyun_ecs_exporter:" + strings.TrimSpace(string(version)); c.Image != want {
		t.Errorf("image %q, want %q (make image's tag)", c.Image, want)
	}

	podLabels := labels.Set(r.deployment.Spec.Template.Labels)
	if !labels.SelectorFromSet(r.service.Spec.Selector).Matches(podLabels) {
		t.Errorf("the Service selects %v, not the pods %v", r.service.Spec.Selector, podLabels)
	}
	if len(r.service.Spec.Ports) != 1 || r.service.Spec.Ports[0].TargetPort.String() != "http-metrics" || r.service.Spec.Ports[0].Name != "http-metrics" {
		t.Errorf("Service ports %+v: want http-metrics", r.service.Spec.Ports)
	}
	// EcsExporterDown selects up{job="aliyun-ecs-exporter"}; the operator
	// names a ServiceMonitor's job after the Service.
	if r.service.Name != "aliyun-ecs-exporter" || r.serviceMonitor.Spec.JobLabel != "" {
		t.Errorf("the scrape job would not be aliyun-ecs-exporter: Service %q, jobLabel %q", r.service.Name, r.serviceMonitor.Spec.JobLabel)
	}
	if !labels.SelectorFromSet(r.serviceMonitor.Spec.Selector.MatchLabels).Matches(labels.Set(r.service.Labels)) {
		t.Errorf("the ServiceMonitor selects %v, not the Service %v", r.serviceMonitor.Spec.Selector.MatchLabels, r.service.Labels)
	}
	if eps := r.serviceMonitor.Spec.Endpoints; len(eps) != 1 || eps[0].Port != "http-metrics" || eps[0].Interval == "" || eps[0].ScrapeTimeout == "" {
		t.Errorf("ServiceMonitor endpoints %+v: want http-metrics with an interval and a scrape timeout", eps)
	}
	np := r.networkPolicy.Spec
	if !labels.SelectorFromSet(np.PodSelector.MatchLabels).Matches(podLabels) {
		t.Errorf("the NetworkPolicy selects %v, not the pods", np.PodSelector.MatchLabels)
	}
	if len(np.PolicyTypes) != 2 || len(np.Ingress) != 1 || len(np.Ingress[0].Ports) != 1 || np.Ingress[0].Ports[0].Port.String() != "http-metrics" {
		t.Errorf("NetworkPolicy %+v: want ingress and egress policies, ingress only to http-metrics", np)
	}

	want, err := promrule.Build(root)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.prometheusRule.Spec, want.Spec) {
		t.Error("the PrometheusRule's groups differ from deploy/prometheus/recording-rules.yml and alerts.yml: run `make generate`")
	}
}

func TestKubernetesRRSAVariantUsesNoSecret(t *testing.T) {
	base := build(t, "deploy/kubernetes/base")
	r := build(t, "deploy/kubernetes/rrsa")
	c := exporterContainer(t, r.deployment)
	if len(c.EnvFrom) != 0 {
		t.Errorf("the RRSA variant still reads %+v", c.EnvFrom)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			t.Errorf("the RRSA variant reads %s from a Secret", e.Name)
		}
		env[e.Name] = e.Value
	}
	for _, name := range []string{"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE"} {
		if env[name] == "" {
			t.Errorf("no %s", name)
		}
	}
	// The token file is inside a read-only mount of a projected service
	// account token for STS.
	tokenFile := env["ALIBABA_CLOUD_OIDC_TOKEN_FILE"]
	var volume string
	for _, m := range c.VolumeMounts {
		if strings.HasPrefix(tokenFile, m.MountPath+"/") && m.ReadOnly {
			volume = m.Name
			if rest := strings.TrimPrefix(tokenFile, m.MountPath+"/"); rest != tokenPath(t, r.deployment, volume) {
				t.Errorf("the token file %s is not the projected token's path", tokenFile)
			}
		}
	}
	if volume == "" {
		t.Errorf("no read-only mount holds %s: %+v", tokenFile, c.VolumeMounts)
	}
	// Everything else is the base's.
	if !reflect.DeepEqual(c.SecurityContext, exporterContainer(t, base.deployment).SecurityContext) ||
		!reflect.DeepEqual(r.deployment.Spec.Template.Spec.SecurityContext, base.deployment.Spec.Template.Spec.SecurityContext) ||
		!reflect.DeepEqual(c.Args, exporterContainer(t, base.deployment).Args) {
		t.Error("the RRSA variant changes more than the credentials")
	}
}

// tokenPath is the path of the STS-audience service account token in the
// named projected volume.
func tokenPath(t *testing.T, d *appsv1.Deployment, volume string) string {
	t.Helper()
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name != volume || v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if sat := s.ServiceAccountToken; sat != nil {
				if sat.Audience != "sts.aliyuncs.com" {
					t.Errorf("token audience %q, want sts.aliyuncs.com", sat.Audience)
				}
				return sat.Path
			}
		}
	}
	t.Errorf("volume %s is not a projected service account token", volume)
	return ""
}

// Every kustomization under deploy/kubernetes builds, and everything it
// builds decodes strictly into its API type.
func TestEveryKustomizationBuildsIntoStrictObjects(t *testing.T) {
	var dirs []string
	err := filepath.WalkDir(filepath.Join(root, "deploy/kubernetes"), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "kustomization.yaml" {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			dirs = append(dirs, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 2 {
		t.Fatalf("kustomizations: %v, want at least base and rrsa", dirs)
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			m, err := kustomize(dir)
			if err != nil {
				t.Fatalf("kustomize build: %v", err)
			}
			if len(m.Resources()) == 0 {
				t.Fatal("builds nothing")
			}
			for _, res := range m.Resources() {
				data, err := res.AsYAML()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := decodeKube(data); err != nil {
					t.Errorf("%s %s: %v", res.GetKind(), res.GetName(), err)
				}
			}
		})
	}
}
