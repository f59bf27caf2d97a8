// The SCORM run-time a package talks to, injected into every HTML file served from its content
// path. The package runs in a frame sandboxed without allow-same-origin, so it cannot reach the
// learner page (which holds the token) or the API; the ADL API discovery algorithm looks at the
// package's own window first, so the API must live there: scorm-again's Scorm12API /
// Scorm2004API, created by this script in the package's document. Its commits go to the parent
// page by postMessage (the only way out of the sandbox); the parent checks them (source frame,
// shape, bounds) and saves them through the learner API.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let scormAgain: string | undefined;
/** scorm-again's browser build (it defines window.Scorm12API and window.Scorm2004API). */
export function scormAgainSource(): string {
  scormAgain ??= readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('scorm-again')), 'scorm-again.min.js'),
    'utf8',
  );
  return scormAgain;
}

/** The message the bridge posts to the learner page; the page validates it before saving. */
export const SCORM_MESSAGE_TYPE = 'baitwise.scorm';

/**
 * The bridge for one learner: its package's SCORM version and the resume data saved last time.
 * JSON embedded in a script: `<` is escaped so resume data cannot close the script element.
 */
export function scormBridge(version: '1.2' | '2004', resume: { location: string; suspendData: string } | null): string {
  const cfg = JSON.stringify({ version, resume, type: SCORM_MESSAGE_TYPE }).replace(/</g, '\\u003c');
  return `(function(){
"use strict";
var cfg=${cfg};
var is12=cfg.version==="1.2";
var settings={autocommit:false,lmsCommitUrl:false,logLevel:5};
var api=is12?new window.Scorm12API(settings):new window.Scorm2004API(settings);
if(cfg.resume){
  if(is12){api.loadFromJSON({core:{lesson_location:cfg.resume.location},suspend_data:cfg.resume.suspendData},"");}
  else{api.loadFromJSON({location:cfg.resume.location,suspend_data:cfg.resume.suspendData},"");}
}
function num(v){var n=parseFloat(v);return isFinite(n)?n:null;}
function report(){
  var c=api.cmi,completion="unknown",success="unknown",score=null,location="",suspend="";
  try{
    if(is12){
      var s=String(c.core.lesson_status||"");
      completion=(s==="completed"||s==="passed"||s==="failed")?"completed":(s==="not attempted"?"not attempted":"incomplete");
      success=(s==="passed"||s==="failed")?s:"unknown";
      var raw=num(c.core.score.raw),min=num(c.core.score.min),max=num(c.core.score.max);
      if(raw!==null){score=(max!==null&&max>0)?100*(raw-(min||0))/(max-(min||0)):raw;}
      location=String(c.core.lesson_location||"");suspend=String(c.suspend_data||"");
    }else{
      var cs=String(c.completion_status||"unknown"),ss=String(c.success_status||"unknown");
      completion=(cs==="completed"||cs==="incomplete"||cs==="not attempted")?cs:"unknown";
      success=(ss==="passed"||ss==="failed")?ss:"unknown";
      var sc=num(c.score.scaled);
      if(sc!==null){score=sc*100;}else{var r2=num(c.score.raw);if(r2!==null)score=r2;}
      location=String(c.location||"");suspend=String(c.suspend_data||"");
    }
  }catch(e){}
  if(score!==null){score=Math.max(0,Math.min(100,score));}
  window.parent.postMessage({type:cfg.type,completion:completion,success:success,score:score,location:location.slice(0,1000),suspendData:suspend.slice(0,64000)},"*");
}
var events=is12?["LMSCommit","LMSFinish","LMSSetValue.cmi.core.lesson_status","LMSSetValue.cmi.core.score.raw"]:["Commit","Terminate","SetValue.cmi.completion_status","SetValue.cmi.success_status","SetValue.cmi.score.scaled"];
events.forEach(function(e){api.on(e,function(){setTimeout(report,0);});});
if(is12){window.API=api;}else{window.API_1484_11=api;}
})();
`;
}
